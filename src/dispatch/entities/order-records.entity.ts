import { defineEntity, p } from '@mikro-orm/core';
import { textId, createdAt } from '../../platform/db/base-properties.ts';

export const ASSIGNMENT_STATUSES = ['active', 'released', 'completed'] as const;

/**
 * A driver booked for an order's time window. The database refuses two active
 * assignments of one driver whose windows overlap (an exclusion constraint).
 */
const DispatchAssignmentSchema = defineEntity({
  name: 'DispatchAssignment',
  tableName: 'dispatch_assignment',
  properties: {
    ...textId(),
    orderId: p.string(),
    driverId: p.string(),
    status: p.enum(ASSIGNMENT_STATUSES),
    jobWindow: p.string().columnType('tsrange'),
    workflowId: p.string().unique(),
    reason: p.string().nullable(),
    createdBy: p.string(),
    ...createdAt(),
    releasedAt: p.datetime().nullable(),
  },
});
export class DispatchAssignment extends DispatchAssignmentSchema.class {}
DispatchAssignmentSchema.setClass(DispatchAssignment);

const AssignmentEventSchema = defineEntity({
  name: 'AssignmentEvent',
  tableName: 'assignment_event',
  properties: {
    ...textId(),
    assignmentId: p.string(),
    orderId: p.string(),
    type: p.string(),
    description: p.string(),
    ...createdAt(),
  },
});
export class AssignmentEvent extends AssignmentEventSchema.class {}
AssignmentEventSchema.setClass(AssignmentEvent);

const OrderMessageSchema = defineEntity({
  name: 'OrderMessage',
  tableName: 'order_message',
  properties: { ...textId(), orderId: p.string(), content: p.string(), sender: p.string(), ...createdAt() },
});
export class OrderMessage extends OrderMessageSchema.class {}
OrderMessageSchema.setClass(OrderMessage);

const TrackingPingSchema = defineEntity({
  name: 'TrackingPing',
  tableName: 'tracking_ping',
  properties: { ...textId(), orderId: p.string(), lat: p.double(), lng: p.double(), ...createdAt() },
});
export class TrackingPing extends TrackingPingSchema.class {}
TrackingPingSchema.setClass(TrackingPing);

export { DispatchAssignmentSchema, AssignmentEventSchema, OrderMessageSchema, TrackingPingSchema };
