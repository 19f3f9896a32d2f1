import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../platform/audit/audit.ts';
import { afterCursor, containing, rowsPage, type Cursor } from '../platform/db/keyset.ts';
import { conflict, notFound } from '../platform/http/errors.ts';
import { presentCall, presentClient, type CallRow, type ClientRow } from './caller.presenter.ts';

/** A client secret: 32 random bytes, shown once; only its SHA-256 is kept (it is not a password: no KDF needed). */
const newSecret = () => `cs_${randomBytes(32).toString('base64url')}`;
const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface ClientMeta {
  fullName?: string;
  email?: string;
  phone?: string;
  businessName?: string;
  city?: string;
  jobTitle?: string;
  notes?: string;
}

const META_COLUMNS: Record<keyof ClientMeta, string> = {
  fullName: 'full_name',
  email: 'email',
  phone: 'phone',
  businessName: 'business_name',
  city: 'city',
  jobTitle: 'job_title',
  notes: 'notes',
};

/** What an audit row keeps of a client: who it is and how it is set up, not its contact details. */
const auditView = (c: ClientRow) => ({ clientId: c.id, status: c.status, agentId: c.agent_id });

const isUniqueViolation = (err: unknown) => /caller_client_email_idx|duplicate key/.test((err as Error).message ?? '');
const duplicateEmail = () => conflict('A client with this email already exists', { field: 'clientMeta.email' });

/** Client accounts of spec 003 and their call history. Every read and change is scoped to one client id. */
export function createClientService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;

  async function clientRow(id: string): Promise<ClientRow> {
    const [c] = await sql<ClientRow>('select * from caller_client where id = ?', [id]);
    if (!c) throw notFound('client', 'Client not found');
    return c;
  }

  /** The call of this client with this id; another client's call is not found (never shown, never changed). */
  async function callRow(clientId: string, callId: string): Promise<CallRow> {
    const [c] = await sql<CallRow>('select * from caller_call where id = ? and client_id = ?', [callId, clientId]);
    if (!c) throw notFound('call', 'Call not found');
    return c;
  }

  return {
    clientRow,

    async create(
      body: { clientMeta: ClientMeta; agentId: string; twilioPhoneNumber: string; status: string },
      who: AuditContext,
    ) {
      const id = `cl_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      const secret = newSecret();
      const m = body.clientMeta;
      try {
        const row = await em().transactional(async (tx) => {
          const [c] = (await tx.execute(
            `insert into caller_client (id, status, agent_id, twilio_phone_number, full_name, email, phone,
               business_name, city, job_title, notes, secret_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                 returning *`,
            [
              id,
              body.status,
              body.agentId,
              body.twilioPhoneNumber,
              m.fullName,
              m.email,
              m.phone,
              m.businessName ?? null,
              m.city ?? null,
              m.jobTitle ?? null,
              m.notes ?? null,
              digest(secret),
            ],
          )) as ClientRow[];
          recordAudit(tx, who, {
            action: 'caller.client.create',
            resourceType: 'caller_client',
            resourceId: id,
            outcome: 'success',
            after: auditView(c),
          });
          return c;
        });
        return { ...presentClient(row), clientSecret: secret };
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateEmail();
        throw err;
      }
    },

    async list(q: { limit: number; offset: number; status?: string; search?: string; cursor?: Cursor }) {
      const parts: string[] = [];
      const params: unknown[] = [];
      if (q.status) {
        parts.push('status = ?');
        params.push(q.status);
      }
      if (q.search) {
        parts.push(`lower(full_name || ' ' || email || ' ' || coalesce(business_name, '')) like ?`);
        params.push(containing(q.search));
      }
      const where = parts.length ? `where ${parts.join(' and ')}` : '';
      const after = q.cursor && afterCursor('caller_client', 'created_at', q.cursor);
      const page = after ? `${where ? `${where} and` : 'where'} ${after.sql}` : where;
      const [rows, [total]] = await Promise.all([
        sql<ClientRow>(`select * from caller_client ${page} order by created_at desc, id desc limit ? offset ?`, [
          ...params,
          ...(after ? after.params : []),
          q.limit + 1,
          q.cursor ? 0 : q.offset,
        ]),
        sql<{ n: number }>(`select count(*)::int as n from caller_client ${where}`, params),
      ]);
      const { items, next } = rowsPage(rows, q.limit, (r) => r.created_at);
      return {
        total: total.n,
        count: items.length,
        limit: q.limit,
        offset: q.cursor ? null : q.offset,
        clients: items.map((c) => presentClient(c, { withNotes: false })),
        ...next,
      };
    },

    async get(id: string, opts: { withCalls?: boolean } = {}) {
      const c = await clientRow(id);
      const calls = opts.withCalls
        ? await sql<CallRow>(
            'select * from caller_call where client_id = ? order by start_time desc, id desc limit 20',
            [id],
          )
        : null;
      return { ...presentClient(c), ...(calls ? { callHistory: calls.map(presentCall) } : {}) };
    },

    async update(
      id: string,
      body: { status?: string; agentId?: string; twilioPhoneNumber?: string; clientMeta?: ClientMeta },
      who: AuditContext,
    ) {
      const sets: Record<string, unknown> = {};
      if (body.status) sets.status = body.status;
      if (body.agentId) sets.agent_id = body.agentId;
      if (body.twilioPhoneNumber) sets.twilio_phone_number = body.twilioPhoneNumber;
      for (const [k, v] of Object.entries(body.clientMeta ?? {}))
        if (v !== undefined) sets[META_COLUMNS[k as keyof ClientMeta]] = v;
      try {
        return await em().transactional(async (tx) => {
          const [before] = (await tx.execute('select * from caller_client where id = ? for update', [
            id,
          ])) as ClientRow[];
          if (!before) throw notFound('client', 'Client not found');
          const cols = Object.keys(sets);
          const [after] = (await tx.execute(
            `update caller_client set ${[...cols.map((c) => `${c} = ?`), 'updated_at = now()'].join(', ')}
              where id = ? returning *`,
            [...cols.map((c) => sets[c]), id],
          )) as ClientRow[];
          recordAudit(tx, who, {
            action: 'caller.client.update',
            resourceType: 'caller_client',
            resourceId: id,
            outcome: 'success',
            // Which fields changed, not their text (contact details are personal data).
            before: auditView(before),
            after: { ...auditView(after), changed: cols },
          });
          return { clientId: after.id, status: after.status, updatedAt: new Date(after.updated_at).toISOString() };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicateEmail();
        throw err;
      }
    },

    /** The client and every call of theirs, in one transaction: all of it or none. */
    async remove(id: string, who: AuditContext) {
      await em().transactional(async (tx) => {
        const [c] = (await tx.execute('select * from caller_client where id = ? for update', [id])) as ClientRow[];
        if (!c) throw notFound('client', 'Client not found');
        const calls = (await tx.execute('delete from caller_call where client_id = ? returning id', [id])) as unknown[];
        await tx.execute('delete from caller_client where id = ?', [id]);
        await tx.execute('delete from caller_call_count where client_id = ?', [id]);
        recordAudit(tx, who, {
          action: 'caller.client.delete',
          resourceType: 'caller_client',
          resourceId: id,
          outcome: 'success',
          before: auditView(c),
          after: { callsDeleted: calls.length },
        });
      });
    },

    /** A new secret, shown once; the old one and every token issued under it stop working. */
    async resetSecret(id: string, who: AuditContext) {
      const secret = newSecret();
      await em().transactional(async (tx) => {
        const rows = (await tx.execute(
          `update caller_client set secret_hash = ?, secret_version = secret_version + 1, updated_at = now()
            where id = ? returning secret_version`,
          [digest(secret), id],
        )) as { secret_version: number }[];
        if (!rows.length) throw notFound('client', 'Client not found');
        recordAudit(tx, who, {
          action: 'caller.client.reset-secret',
          resourceType: 'caller_client',
          resourceId: id,
          outcome: 'success',
          after: { secretVersion: rows[0].secret_version },
        });
      });
      return { clientId: id, clientSecret: secret };
    },

    /** The client whose secret this is, and the secret version a token for it carries; null otherwise. */
    async verifySecret(clientId: string, secret: string): Promise<{ id: string; secretVersion: number } | null> {
      const [c] = await sql<{ id: string; secret_hash: string; secret_version: number }>(
        'select id, secret_hash, secret_version from caller_client where id = ?',
        [clientId],
      );
      const given = Buffer.from(digest(secret), 'hex');
      // Compared in constant time, and against a dummy when there is no such client.
      const expected = Buffer.from(c?.secret_hash ?? digest(`missing:${secret}`), 'hex');
      const same = timingSafeEqual(given, expected);
      return c && same ? { id: c.id, secretVersion: c.secret_version } : null;
    },

    async calls(clientId: string, q: { limit: number; offset: number; status?: string; cursor?: Cursor }) {
      await clientRow(clientId);
      const parts = ['client_id = ?', ...(q.status ? ['status = ?'] : [])];
      const params: unknown[] = [clientId, ...(q.status ? [q.status] : [])];
      if (q.cursor) {
        const after = afterCursor('caller_call', 'start_time', q.cursor);
        parts.push(after.sql);
        params.push(...after.params);
      }
      const [rows, counts] = await Promise.all([
        sql<CallRow>(
          `select * from caller_call where ${parts.join(' and ')} order by start_time desc, id desc limit ? offset ?`,
          [...params, q.limit + 1, q.cursor ? 0 : q.offset],
        ),
        // Totals from the maintained counters, not a count over the calls.
        sql<{ dimension: string; value: string; n: number }>(
          `select dimension, value, n::int as n from caller_call_count where client_id = ? and
             (dimension = 'all' or (dimension = 'status' and value = ?))`,
          [clientId, q.status ?? ''],
        ),
      ]);
      const { items, next } = rowsPage(rows, q.limit, (r) => r.start_time);
      const total = counts.find((c) => c.dimension === 'all')?.n ?? 0;
      return {
        clientId,
        total,
        filtered: q.status ? (counts.find((c) => c.dimension === 'status')?.n ?? 0) : total,
        count: items.length,
        limit: q.limit,
        offset: q.cursor ? null : q.offset,
        callHistory: items.map(presentCall),
        ...next,
      };
    },

    async call(clientId: string, callId: string) {
      return presentCall(await callRow(clientId, callId));
    },

    async addCall(
      clientId: string,
      body: { callData: Record<string, unknown>; callDetails?: Record<string, unknown> },
      who: AuditContext,
    ) {
      const client = await clientRow(clientId);
      const d = body.callData;
      const x = body.callDetails ?? {};
      const id = `call_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      await em().transactional(async (tx) => {
        await tx.execute(
          `insert into caller_call (id, client_id, call_sid, request_id, phone, from_number, agent_id,
            start_time, status,
             call_count, outcome, summary, transcript, sentiment, next_action, next_action_date, agent_notes)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            clientId,
            d.callSid ?? null,
            d.requestId ?? randomUUID(),
            d.phone,
            d.from ?? client.twilio_phone_number,
            d.agentId ?? client.agent_id,
            d.startTime ?? new Date(),
            d.status,
            d.callCount ?? 1,
            x.callOutcome || null,
            x.callSummary ?? null,
            x.callTranscript ?? null,
            x.callSentiment || null,
            x.nextAction ?? null,
            x.nextActionDate ?? null,
            x.agentNotes ?? null,
          ],
        );
        recordAudit(tx, who, {
          action: 'caller.call.add',
          resourceType: 'caller_call',
          resourceId: id,
          outcome: 'success',
          after: { clientId },
        });
      });
      return id;
    },

    async updateCall(
      clientId: string,
      callId: string,
      body: { callData?: Record<string, unknown>; callDetails?: Record<string, unknown> },
      who: AuditContext,
    ) {
      const columns: Record<string, string> = {
        endTime: 'end_time',
        duration: 'duration',
        status: 'status',
        recordingUrl: 'recording_url',
        callOutcome: 'outcome',
        callSummary: 'summary',
        callTranscript: 'transcript',
        callSentiment: 'sentiment',
        nextAction: 'next_action',
        nextActionDate: 'next_action_date',
        agentNotes: 'agent_notes',
      };
      const sets: [string, unknown][] = [];
      for (const [k, v] of Object.entries({ ...body.callData, ...body.callDetails }))
        if (v !== undefined) sets.push([columns[k], v === '' ? null : v]);
      await em().transactional(async (tx) => {
        const [before] = (await tx.execute('select * from caller_call where id = ? and client_id = ? for update', [
          callId,
          clientId,
        ])) as CallRow[];
        if (!before) throw notFound('call', 'Call not found');
        await tx.execute(
          `update caller_call set ${[...sets.map(([c]) => `${c} = ?`), 'updated_at = now()'].join(', ')} where id = ?`,
          [...sets.map(([, v]) => v), callId],
        );
        // The transcript is personal data: the audit records which fields changed, not their text.
        recordAudit(tx, who, {
          action: 'caller.call.update',
          resourceType: 'caller_call',
          resourceId: callId,
          outcome: 'success',
          before: { status: before.status, outcome: before.outcome },
          after: { fields: sets.map(([c]) => c) },
        });
      });
    },
  };
}

export type ClientService = ReturnType<typeof createClientService>;
