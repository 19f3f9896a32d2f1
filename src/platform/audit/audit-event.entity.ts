import { defineEntity, p } from '@mikro-orm/core';

/** Append-only: a trigger in the database refuses UPDATE, DELETE and TRUNCATE. */
const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: {
    id: p.bigint().primary().autoincrement(),
    occurredAt: p.datetime().onCreate(() => new Date()),
    actorType: p.string(),
    actorId: p.string(),
    /** The role the change was made with (null for events before roles were recorded, and for anonymous callers). */
    actorRole: p.string().nullable(),
    action: p.string(),
    resourceType: p.string(),
    resourceId: p.string().nullable(),
    outcome: p.string(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
    ip: p.string().nullable(),
    userAgent: p.string().nullable(),
    requestId: p.string().nullable(),
    workflowId: p.string().nullable(),
  },
});
export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
export { AuditEventSchema };
