import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { DispatchActivities } from '../../activities/dispatch/index.ts';
import type { RefundPaymentRequest, RefundPaymentResult } from '../../src/dispatch/refund-payment.contract.ts';
import { pounds } from '../../src/dispatch/refund.rules.ts';
import { localDbStep } from '../presets.ts';
import { startDeliveries } from './start-deliveries.ts';
import { approvalGate } from '../approval.ts';

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

  const gate = input.approval ? approvalGate(input.approval) : null;
  const reserved = await reserveRefund(step);
  if (gate) {
    // The amount stays reserved while it waits, so no other refund can take it meanwhile; a refund
    // that is not approved releases it and is recorded as failed, and Stripe is never asked.
    const plan = {
      paymentId: input.paymentId,
      refundId: reserved.refundId,
      amountPence: input.amount,
      reason: input.reason,
    };
    try {
      await gate.awaitDecision(plan);
    } catch (err) {
      await settleRefund({ ...step, outcome: { ok: false, message: 'Not approved' } });
      throw err;
    }
  }
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
