import type { RefundReason } from './entities/payment.entity.ts';

/** Stripe's own reasons; ours that have no counterpart go as metadata only. */
export function stripeReason(r: RefundReason): 'requested_by_customer' | 'duplicate' | 'fraudulent' | undefined {
  if (r === 'customer_request') return 'requested_by_customer';
  if (r === 'duplicate_charge') return 'duplicate';
  if (r === 'fraud') return 'fraudulent';
  return undefined;
}

export interface PaymentAmounts {
  amountPence: number;
  refundedPence: number;
  pendingRefundPence: number;
}

/** What may still be refunded: captured, less what is refunded or being refunded. */
export const refundable = (p: PaymentAmounts) => Math.max(0, p.amountPence - p.refundedPence - p.pendingRefundPence);

/** The payment's status once `refundedPence` in total has been refunded. */
export const paymentStatusAfterRefund = (amountPence: number, refundedPence: number) =>
  refundedPence >= amountPence ? 'refunded' : refundedPence > 0 ? 'partially_refunded' : 'paid';

/** "£12.50" for a step summary in the Web UI. */
export const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;
