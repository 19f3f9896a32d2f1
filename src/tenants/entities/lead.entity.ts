import { defineEntity, p } from '@mikro-orm/core';
import { createdAt, textId } from '../../platform/db/base-properties.ts';

/** A sales lead of the tenant. Removed with its tenant, explicitly and in the spec's order (see the cockpit's
  deletion). */
const LeadSchema = defineEntity({
  name: 'Lead',
  tableName: 'lead',
  properties: {
    ...textId(),
    clientId: p.string(),
    name: p.string(),
    source: p.string(),
    ...createdAt(),
  },
});
export class Lead extends LeadSchema.class {}
LeadSchema.setClass(Lead);
export { LeadSchema };
