import { defineEntity, p } from '@mikro-orm/core';
import { createdAt, textId } from '../../platform/db/base-properties.ts';

/** A booking taken for the tenant. Removed with its tenant, explicitly and in the spec's order (see the cockpit's
  deletion). */
const BookingSchema = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    ...textId(),
    clientId: p.string(),
    customerName: p.string(),
    startsAt: p.datetime(),
    status: p.string(),
    ...createdAt(),
  },
});
export class Booking extends BookingSchema.class {}
BookingSchema.setClass(Booking);
export { BookingSchema };
