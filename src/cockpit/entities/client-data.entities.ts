import { defineEntity, p } from '@mikro-orm/core';

// The records a client owns. Deletion removes them explicitly, in the spec's
// order, inside one transaction (no ON DELETE CASCADE on purpose: the deletion
// log must count exactly what was removed).

const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    name: p.string(),
    phone: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);

const BookingSchema = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    customerName: p.string(),
    startsAt: p.datetime(),
    status: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Booking extends BookingSchema.class {}
BookingSchema.setClass(Booking);

const LeadSchema = defineEntity({
  name: 'Lead',
  tableName: 'lead',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    name: p.string(),
    source: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Lead extends LeadSchema.class {}
LeadSchema.setClass(Lead);

const ClientUserSchema = defineEntity({
  name: 'ClientUser',
  tableName: 'client_user',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    email: p.string(),
    role: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class ClientUser extends ClientUserSchema.class {}
ClientUserSchema.setClass(ClientUser);

const ConversationSchema = defineEntity({
  name: 'Conversation',
  tableName: 'conversation',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    customerName: p.string().nullable(),
    channel: p.string(),
    status: p.string().$type<'active' | 'killed'>(),
    summary: p.text().nullable(),
    messageCount: p.integer().default(0),
    lastMessage: p.text().nullable(),
    lastMessageAt: p.datetime().nullable(),
    customerTokenHash: p.string().nullable().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export class Conversation extends ConversationSchema.class {}
ConversationSchema.setClass(Conversation);

const MessageSchema = defineEntity({
  name: 'Message',
  tableName: 'message',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    conversationId: p.string(),
    role: p.string(),
    content: p.text(),
    userId: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Message extends MessageSchema.class {}
MessageSchema.setClass(Message);

export { CustomerSchema, BookingSchema, LeadSchema, ClientUserSchema, ConversationSchema, MessageSchema };
