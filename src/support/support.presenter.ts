import type { Conversation, Message } from './entities/index.ts';
import { isoOrNull as iso } from '../platform/http/wire.ts';

export function presentConversationRow(c: Conversation) {
  return {
    id: c.id,
    customerName: c.customerName ?? null,
    channel: c.channel,
    status: c.status,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    messageCount: c.messageCount,
    lastMessage: c.lastMessage ?? null,
    lastMessageAt: iso(c.lastMessageAt),
  };
}

export function presentMessage(m: Message) {
  return { id: m.id, message: m.content, role: m.role, userId: m.userId ?? null, createdAt: iso(m.createdAt) };
}

export function presentConversationDetail(c: Conversation, messages: Message[]) {
  const { messageCount: _count, lastMessage: _last, lastMessageAt: _lastAt, ...head } = presentConversationRow(c);
  return {
    ...head,
    messages: messages.map(presentMessage),
    summary: c.summary ?? null,
  };
}
