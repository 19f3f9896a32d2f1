import { defineEntity, p } from '@mikro-orm/core';
import { textId, createdAt } from '../../platform/db/base-properties.ts';

/** A removals customer (the person who booked). */
const DispatchCustomerSchema = defineEntity({
  name: 'DispatchCustomer',
  tableName: 'dispatch_customer',
  properties: { ...textId(), name: p.string(), email: p.string(), ...createdAt() },
});
export class DispatchCustomer extends DispatchCustomerSchema.class {}
DispatchCustomerSchema.setClass(DispatchCustomer);
export { DispatchCustomerSchema };
