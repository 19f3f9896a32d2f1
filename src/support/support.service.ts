import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../platform/http/errors.ts';
import type { AuditContext } from '../platform/audit/audit.ts';
import { changeAudited } from '../platform/audit/audited-change.ts';
import { matchesDigest, randomSecret, secretDigest } from '../platform/auth/secrets.ts';
import { BY_UPDATED_AT, fetchPage, keysetPage, type Cursor } from '../platform/db/keyset.ts';
import { Conversation, Message } from './entities/index.ts';
import { presentConversationDetail, presentConversationRow } from './support.presenter.ts';

export const KILLED_MESSAGE = 'This conversation has been closed and cannot accept new messages';
const conversationNotFound = () => notFound('conversation');

export function createSupportService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;

  /** Locks the conversation, applies the change, audits before/after in the same transaction. */
  async function change(id: string, who: AuditContext, action: string, apply: (c: Conversation) => void) {
    await changeAudited(
      em(),
      who,
      {
        entity: Conversation,
        id,
        action,
        resourceType: 'conversation',
        present: presentConversationRow,
        notFound: conversationNotFound,
      },
      apply,
    );
  }

  return {
    /** Most recently updated first, paged by keyset on (updated_at, id). */
    async listConversations(q: { limit: number; cursor?: Cursor }) {
      const qb = keysetPage(em().createQueryBuilder(Conversation, 'c'), 'c', BY_UPDATED_AT, q.cursor);
      const { items, nextCursor } = await fetchPage(qb, BY_UPDATED_AT, q.limit);
      return { conversations: items.map(presentConversationRow), nextCursor };
    },

    async getConversation(id: string) {
      const conv = await em().findOne(Conversation, id);
      if (!conv) throw conversationNotFound();
      const messages = await em().find(Message, { conversationId: id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return presentConversationDetail(conv, messages);
    },

    /** Totals maintained by triggers on insert/delete: reading them never scans the message table. */
    async stats() {
      const [row] = (await em().execute(`select conversations::int as c, messages::int as m from support_totals`)) as {
        c: number;
        m: number;
      }[];
      const c = row?.c ?? 0;
      const m = row?.m ?? 0;
      return {
        totalConversations: c,
        totalMessages: m,
        averageMessagesPerConversation: c ? Math.round((m / c) * 10) / 10 : 0,
      };
    },

    async updateConversation(id: string, body: { customerName?: string; channel?: string }, who: AuditContext) {
      await change(id, who, 'conversation.update', (c) => {
        if (body.customerName !== undefined) c.customerName = body.customerName;
        if (body.channel !== undefined) c.channel = body.channel;
      });
    },

    async kill(id: string, who: AuditContext) {
      await change(id, who, 'conversation.kill', (c) => {
        c.status = 'killed';
      });
    },

    async reactivate(id: string, who: AuditContext) {
      await change(id, who, 'conversation.reactivate', (c) => {
        c.status = 'active';
      });
    },

    /**
     * Customer side: opens a conversation for a tenant and hands back its access
     * token (shown once). A tenant that does not exist gets the same answer (an id
     * and token that open nothing, and one statement either way), so the public
     * endpoint never tells whether a tenant exists.
     */
    async startConversation(body: { tenantId: string; customerName?: string; channel: string }) {
      const id = `conv_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const token = randomSecret(24);
      await em().execute(
        `insert into conversation (id, client_id, customer_name, channel, status, customer_token_hash)
         select ?, id, ?, ?, 'active', ? from client where id = ?`,
        [id, body.customerName ?? null, body.channel, secretDigest(token), body.tenantId],
      );
      return { conversationId: id, conversationToken: token, status: 'active' };
    },

    /**
     * A customer's message: refused (403, as spec 001 says, with or without a
     * token) and not stored while the conversation is killed. A conversation that
     * does not exist answers like a wrong token (401), so ids reveal nothing. The
     * row lock makes a concurrent kill and send agree.
     */
    async addCustomerMessage(id: string, token: string | undefined, body: { message: string; userId?: string }) {
      return em().transactional(async (tx) => {
        const conv = await tx.findOne(Conversation, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (conv?.status === 'killed') throw new AppError(403, 'CONVERSATION_KILLED', KILLED_MESSAGE);
        if (!token) throw new AppError(401, 'UNAUTHORIZED', 'Missing X-Conversation-Token header');
        if (!conv?.customerTokenHash || !matchesDigest(conv.customerTokenHash, token))
          throw new AppError(401, 'UNAUTHORIZED', 'Invalid conversation token');
        const messageId = `msg_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
        await tx.execute(
          `insert into message (id, client_id, conversation_id, role, content, user_id) values (?, ?, ?, 'user', ?, ?)`,
          [messageId, conv.clientId, id, body.message, body.userId ?? null],
        );
        return {
          id: messageId,
          conversationId: id,
          message: body.message,
          role: 'user',
          createdAt: new Date().toISOString(),
        };
      });
    },
  };
}

export type SupportService = ReturnType<typeof createSupportService>;
