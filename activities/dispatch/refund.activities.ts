import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import Stripe from 'stripe';
import { recordAudit } from '../../src/platform/audit/audit.ts';
import { REFUND_FAILURES, type RefundPaymentRequest } from '../../src/dispatch/refund-payment.contract.ts';
import { paymentStatusAfterRefund, refundable, stripeReason } from '../../src/dispatch/refund.rules.ts';
import { recordDeliveries } from '../../src/dispatch/webhook-outbox.ts';

export interface RefundStepInput extends RefundPaymentRequest {
  workflowId: string;
}

interface PaymentRow {
  id: string;
  order_id: string;
  amount_pence: number;
  refunded_pence: number;
  pending_refund_pence: number;
  status: string;
  stripe_payment_intent: string;
}

const fail = (message: string, type: string, details?: Record<string, unknown>) =>
  ApplicationFailure.nonRetryable(message, type, details ?? {});

/** Stripe said no for good (an invalid request, a charge that cannot be refunded): retrying cannot help. */
const isFinalStripeRefusal = (err: unknown) =>
  err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError;

export function createRefundActivities(deps: { orm: MikroORM; stripe: Stripe | null; webhookUrls: readonly string[] }) {
  const fork = () => deps.orm.em.fork() as EntityManager;

  return {
    /**
     * Reserves the amount on the payment and writes the pending refund row, in one
     * transaction under the payment's row lock: concurrent refunds of one payment
     * queue here, and their sum can never pass what was captured.
     */
    async reserveRefund(input: RefundStepInput): Promise<{ refundId: string; requestHash: string }> {
      return fork().transactional(async (tx) => {
        const [existing] = (await tx.execute(
          'select id, request_hash, status from dispatch_refund where workflow_id = ?',
          [input.workflowId],
        )) as { id: string; request_hash: string; status: string }[];
        // A run that failed (not approved) left its refund settled as failed, its amount released and
        // Stripe never asked: a new run under the same key must not take that row to Stripe.
        if (existing?.status === 'failed')
          throw fail(
            'This refund was settled as failed and nothing was refunded; ask again with a new Idempotency-Key',
            REFUND_FAILURES.alreadySettled,
          );
        if (existing) return { refundId: existing.id, requestHash: existing.request_hash };
        const [payment] = (await tx.execute('select * from dispatch_payment where id = ? for update', [
          input.paymentId,
        ])) as PaymentRow[];
        if (!payment) throw fail('Payment not found', REFUND_FAILURES.paymentNotFound);
        if (!['paid', 'partially_refunded'].includes(payment.status))
          throw fail(`A payment that is ${payment.status} cannot be refunded`, REFUND_FAILURES.notRefundable, {
            status: payment.status,
          });
        const left = refundable({
          amountPence: payment.amount_pence,
          refundedPence: payment.refunded_pence,
          pendingRefundPence: payment.pending_refund_pence,
        });
        if (input.amount > left)
          throw fail(`amount exceeds what is still refundable (${left} pence)`, REFUND_FAILURES.exceedsRefundable, {
            refundablePence: left,
          });
        await tx.execute('update dispatch_payment set pending_refund_pence = pending_refund_pence + ? where id = ?', [
          input.amount,
          payment.id,
        ]);
        await tx.execute(
          `insert into dispatch_refund (id, payment_id, order_id, amount, reason, status, notes, workflow_id,
             request_hash, requested_by) values (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
          [
            input.refundId,
            payment.id,
            payment.order_id,
            input.amount,
            input.reason,
            input.notes ?? null,
            input.workflowId,
            input.requestHash,
            input.audit.actorId,
          ],
        );
        recordAudit(tx, input.audit, {
          action: 'refund.create',
          resourceType: 'payment',
          resourceId: payment.id,
          outcome: 'in_progress',
          before: { refundedPence: payment.refunded_pence, pendingRefundPence: payment.pending_refund_pence },
          after: { refundId: input.refundId, amount: input.amount, reason: input.reason, status: 'pending' },
          workflowId: input.workflowId,
        });
        return { refundId: input.refundId, requestHash: input.requestHash };
      });
    },

    /**
     * Asks Stripe for the refund with the run's ID as Stripe's idempotency key: a
     * retried attempt (a crashed worker, a lost answer) gets the same refund back,
     * never a second one.
     */
    async refundAtStripe(
      input: RefundStepInput,
    ): Promise<{ ok: true; stripeRefundId: string } | { ok: false; message: string }> {
      if (!deps.stripe) throw fail('Stripe is not configured (STRIPE_SECRET_KEY)', 'STRIPE_NOT_CONFIGURED');
      const em = fork();
      const [payment] = (await em.execute('select stripe_payment_intent from dispatch_payment where id = ?', [
        input.paymentId,
      ])) as { stripe_payment_intent: string }[];
      await em.execute(
        `update dispatch_refund set status = 'processing', updated_at = now() where id = ? and status = 'pending'`,
        [input.refundId],
      );
      try {
        const reason = stripeReason(input.reason);
        const refund = await deps.stripe.refunds.create(
          {
            payment_intent: payment.stripe_payment_intent,
            amount: input.amount,
            ...(reason ? { reason } : {}),
            metadata: { refundId: input.refundId, paymentId: input.paymentId, reason: input.reason },
          },
          { idempotencyKey: input.workflowId },
        );
        return { ok: true, stripeRefundId: refund.id };
      } catch (err) {
        // What is kept and shown is Stripe's error code, not its message (ids, internals).
        if (isFinalStripeRefusal(err))
          return { ok: false, message: `Stripe refused the refund (${(err as { code?: string }).code ?? 'refused'})` };
        throw err; // network, rate limit, Stripe down: retried with the same key
      }
    },

    /** Settles the reservation: completed moves it to refunded, failed gives it back. */
    async settleRefund(
      input: RefundStepInput & { outcome: { ok: true; stripeRefundId: string } | { ok: false; message: string } },
    ): Promise<{ deliveries: string[] }> {
      return fork().transactional(async (tx) => {
        const [refund] = (await tx.execute('select status from dispatch_refund where id = ? for update', [
          input.refundId,
        ])) as { status: string }[];
        if (refund.status === 'completed' || refund.status === 'failed') return { deliveries: [] };
        const ok = input.outcome.ok;
        const [payment] = (await tx.execute(
          `update dispatch_payment set pending_refund_pence = pending_refund_pence - ?,
              refunded_pence = refunded_pence + ? where id = ? returning amount_pence, refunded_pence, order_id`,
          [input.amount, ok ? input.amount : 0, input.paymentId],
        )) as { amount_pence: number; refunded_pence: number; order_id: string }[];
        const paymentStatus = paymentStatusAfterRefund(payment.amount_pence, payment.refunded_pence);
        await tx.execute('update dispatch_payment set status = ? where id = ?', [paymentStatus, input.paymentId]);
        if (paymentStatus === 'refunded')
          await tx.execute(`update dispatch_order set payment_status = 'refunded', updated_at = now() where id = ?`, [
            payment.order_id,
          ]);
        await tx.execute(
          `update dispatch_refund set status = ?, stripe_refund_id = ?, failure_message = ?, updated_at = now(),
              completed_at = case when ? then now() else null end where id = ?`,
          [
            ok ? 'completed' : 'failed',
            input.outcome.ok ? input.outcome.stripeRefundId : null,
            input.outcome.ok ? null : input.outcome.message,
            ok,
            input.refundId,
          ],
        );
        recordAudit(tx, input.audit, {
          action: 'refund.settle',
          resourceType: 'payment',
          resourceId: input.paymentId,
          outcome: ok ? 'success' : 'failed',
          after: {
            refundId: input.refundId,
            status: ok ? 'completed' : 'failed',
            refundedPence: payment.refunded_pence,
          },
          workflowId: input.workflowId,
        });
        const deliveries = ok
          ? await recordDeliveries(tx, deps.webhookUrls, input.workflowId, 'payment.refunded', {
              paymentId: input.paymentId,
              refundId: input.refundId,
              amount: input.amount,
              timestamp: new Date().toISOString(),
            })
          : [];
        return { deliveries };
      });
    },
  };
}
