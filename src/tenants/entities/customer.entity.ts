import { defineEntity, p } from '@mikro-orm/core';
import { createdAt, textId } from '../../platform/db/base-properties.ts';

/** A customer of the tenant's business. Removed with its tenant, explicitly and in the spec's order (see the
  cockpit's deletion). */
const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  properties: {
    ...textId(),
    clientId: p.string(),
    name: p.string(),
    phone: p.string().nullable(),
    ...createdAt(),
  },
});
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);
export { CustomerSchema };
