import { defineEntity, p } from '@mikro-orm/core';
import { createdAt, textId } from '../../platform/db/base-properties.ts';

/** One message of a conversation (the tenant's id is kept on it for deletion and totals). */
const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'message',
  properties: {
    ...textId(),
    clientId: p.string(),
    conversationId: p.string(),
    role: p.string(),
    content: p.text(),
    userId: p.string().nullable(),
    ...createdAt(),
  },
});
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);
export { MessageSchema };
