import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { DispatchActivities } from '../../activities/dispatch/index.ts';
import type { RefundPaymentRequest, RefundPaymentResult } from '../../src/dispatch/refund-payment.contract.ts';
import { pounds } from '../../src/dispatch/refund.rules.ts';
import { localDbStep } from '../presets.ts';
import { startDeliveries } from './start-deliveries.ts';

/**
 * refund:<paymentId>:<caller>:<key>. Reserve the amount (nothing reaches Stripe
 * if it is more than is left), ask Stripe once under the run's own idempotency
 * key, then settle what Stripe answered.
 */
export async function refundPaymentWorkflow(input: RefundPaymentRequest): Promise<RefundPaymentResult> {
  const { workflowId } = workflowInfo();
  const step = { ...input, workflowId };
  const { reserveRefund, settleRefund } = proxyLocalActivities<DispatchActivities>({
    ...localDbStep,
    summary: `Reserve ${pounds(input.amount)} on ${input.paymentId}`,
  });
  const { refundAtStripe } = proxyActivities<DispatchActivities>({
    // Stripe down or slow: keep trying (same idempotency key) for up to a day, never a second refund.
    // One attempt is at most the SDK's two 5 s tries; a worker lost mid-call is retried after 15 s.
    startToCloseTimeout: '15s',
    scheduleToCloseTimeout: '24h',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
    summary: `Stripe refund ${pounds(input.amount)}`,
  });

  const reserved = await reserveRefund(step);
  const outcome = await refundAtStripe(step);
  const { deliveries } = await settleRefund({ ...step, outcome });
  await startDeliveries(deliveries);
  return {
    refundId: reserved.refundId,
    status: outcome.ok ? 'completed' : 'failed',
    stripeRefundId: outcome.ok ? outcome.stripeRefundId : null,
    requestHash: reserved.requestHash,
  };
}
