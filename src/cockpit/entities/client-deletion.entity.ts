import { defineEntity, p } from '@mikro-orm/core';
import type { DeletionLog } from '../deletion.rules.ts';

/**
 * The permanent record of an irreversible deletion: what was deleted, when and by
 * whom. Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), and it
 * outlives Temporal's retention of the run that wrote it.
 */
const ClientDeletionSchema = defineEntity({
  name: 'ClientDeletion',
  tableName: 'client_deletion',
  properties: {
    id: p.bigint().primary().autoincrement(),
    clientId: p.string(),
    incarnation: p.uuid(),
    businessName: p.string(),
    deletedAt: p.datetime(),
    actorType: p.string(),
    actorId: p.string(),
    requestId: p.string().nullable(),
    workflowId: p.string().unique(),
    // json, not jsonb: replayed to a retried DELETE as it was first sent (keys in order).
    deletionLog: p.json<DeletionLog>().columnType('json'),
  },
});
export class ClientDeletion extends ClientDeletionSchema.class {}
ClientDeletionSchema.setClass(ClientDeletion);
export { ClientDeletionSchema };
