import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

export const ORDER_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'refunded'] as const;
export type OrderPaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const TIME_SLOTS = ['morning', 'afternoon', 'evening'] as const;
export type TimeSlot = (typeof TIME_SLOTS)[number];
export const VAN_SIZES = ['small', 'medium', 'large'] as const;

/**
 * A booked removal. `job_window` (the slot as a time range) and `search_text`
 * are generated columns, read in SQL only; `assignmentVersion` names the
 * assignment an assign run acts on.
 */
const DispatchOrderSchema = defineEntity({
  name: 'DispatchOrder',
  tableName: 'dispatch_order',
  properties: {
    ...textId(),
    code: p.string().unique(),
    status: p.enum(ORDER_STATUSES),
    pickupAddress: p.string(),
    dropoffAddress: p.string(),
    pickupLat: p.double(),
    pickupLng: p.double(),
    dropoffLat: p.double(),
    dropoffLng: p.double(),
    area: p.string(),
    preferredDate: p.string().columnType('date'),
    timeSlot: p.enum(TIME_SLOTS),
    vanSize: p.enum(VAN_SIZES),
    crewSize: p.integer(),
    amountPence: p.integer(),
    paymentStatus: p.enum(PAYMENT_STATUSES),
    customerId: p.string(),
    customerName: p.string(),
    customerEmail: p.string(),
    driverId: p.string().nullable(),
    assignmentId: p.string().nullable(),
    assignmentVersion: p.integer(),
    notes: p.string().nullable(),
    cancellationReason: p.string().nullable(),
    firstAssignedAt: p.datetime().nullable(),
    pickedUpAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    ...timestamps(),
  },
});
export class DispatchOrder extends DispatchOrderSchema.class {}
DispatchOrderSchema.setClass(DispatchOrder);
export { DispatchOrderSchema };
