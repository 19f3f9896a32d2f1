import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

export const CONVERSATION_STATUSES = ['active', 'killed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** A customer conversation of a tenant; killed ones accept no customer messages. */
const ConversationSchema = defineEntity({
  name: 'Conversation',
  tableName: 'conversation',
  properties: {
    ...textId(),
    clientId: p.string(),
    customerName: p.string().nullable(),
    channel: p.string(),
    status: p.enum(CONVERSATION_STATUSES),
    summary: p.text().nullable(),
    messageCount: p.integer().default(0),
    lastMessage: p.text().nullable(),
    lastMessageAt: p.datetime().nullable(),
    customerTokenHash: p.string().nullable().hidden(),
    ...timestamps(),
  },
});
export class Conversation extends ConversationSchema.class {}
ConversationSchema.setClass(Conversation);
export { ConversationSchema };
