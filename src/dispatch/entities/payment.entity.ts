import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps, createdAt } from '../../platform/db/base-properties.ts';

export const PAYMENT_ROW_STATUSES = ['pending', 'paid', 'failed', 'refunded', 'partially_refunded'] as const;
export const REFUND_REASONS = ['customer_request', 'service_issue', 'duplicate_charge', 'fraud', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];
export const REFUND_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * A captured Stripe payment. `pendingRefundPence` holds refunds accepted and not
 * yet settled; a check constraint keeps refunded + pending within the amount.
 */
const DispatchPaymentSchema = defineEntity({
  name: 'DispatchPayment',
  tableName: 'dispatch_payment',
  properties: {
    ...textId(),
    orderId: p.string(),
    amountPence: p.integer(),
    refundedPence: p.integer(),
    pendingRefundPence: p.integer(),
    status: p.enum(PAYMENT_ROW_STATUSES),
    stripePaymentIntent: p.string(),
    ...createdAt(),
  },
});
export class DispatchPayment extends DispatchPaymentSchema.class {}
DispatchPaymentSchema.setClass(DispatchPayment);

/** One refund, from request to Stripe's answer; its workflow ID is its idempotency key. */
const DispatchRefundSchema = defineEntity({
  name: 'DispatchRefund',
  tableName: 'dispatch_refund',
  properties: {
    ...textId(),
    paymentId: p.string(),
    orderId: p.string(),
    amount: p.integer(),
    reason: p.enum(REFUND_REASONS),
    status: p.enum(REFUND_STATUSES),
    notes: p.string().nullable(),
    stripeRefundId: p.string().nullable(),
    failureMessage: p.string().nullable(),
    workflowId: p.string().unique(),
    requestHash: p.string(),
    requestedBy: p.string(),
    ...timestamps(),
    completedAt: p.datetime().nullable(),
  },
});
export class DispatchRefund extends DispatchRefundSchema.class {}
DispatchRefundSchema.setClass(DispatchRefund);

export { DispatchPaymentSchema, DispatchRefundSchema };
