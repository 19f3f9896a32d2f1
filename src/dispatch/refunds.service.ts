import { createHash, randomUUID } from 'node:crypto';
import { conditions } from '../platform/db/where.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DurableServiceDeps } from '../platform/module.ts';
import { RUN_AUDITED_CHANNEL, actorLabel, type AuditContext } from '../platform/audit/audit.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { iso } from '../platform/http/wire.ts';
import { afterCursor, rowsPage, type Cursor } from '../platform/db/keyset.ts';
import { startOrAttach } from '../platform/temporal/runs.ts';
import type { RefundReason, RefundStatus } from './entities/payment.entity.ts';
import {
  REFUND_FAILURES,
  REFUND_PAYMENT,
  refundWorkflowId,
  type RefundPaymentResult,
  type RefundPaymentWorkflow,
} from './refund-payment.contract.ts';
import { pounds } from './refund.rules.ts';
import { containing } from '../platform/db/keyset.ts';
import { operationUrl } from './dispatch.paths.ts';
import { notApproved, outcomeOrPlan } from '../platform/approvals/await-plan.ts';
import { approvalGateFor, type ApprovalSettings } from '../platform/approvals/approvals-config.ts';
import { callBackWhenDone, checkCallbackUrl, type CallbackSettings } from '../platform/callbacks/start-callback.ts';

export interface RefundRequest {
  paymentId: string;
  amount: number;
  reason: RefundReason;
  notes?: string;
  /** Where to POST the refund's outcome when its run ends (a completion callback). */
  callbackUrl?: string;
}

export interface RefundFilter {
  page: number;
  limit: number;
  cursor?: Cursor;
  search?: string;
  status?: RefundStatus;
  reason?: RefundReason;
  fromDate?: Date;
  toDate?: Date;
}

/**
 * What a refund request means, as a digest: the same Idempotency-Key with a
 * different body is another request and is refused (as Stripe does).
 */
export function refundRequestHash(req: RefundRequest) {
  // The callback target is part of the request; it is left out when absent, so keys used before keep their digest.
  const canonical = JSON.stringify([
    req.paymentId,
    req.amount,
    req.reason,
    req.notes ?? null,
    ...(req.callbackUrl ? [req.callbackUrl] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

const BUSINESS_FAILURES: Record<string, number> = {
  [REFUND_FAILURES.paymentNotFound]: 404,
  [REFUND_FAILURES.notRefundable]: 409,
  [REFUND_FAILURES.exceedsRefundable]: 400,
  [REFUND_FAILURES.alreadySettled]: 409,
};

const REFUND_SELECT = `
  select r.id, r.payment_id, r.amount, r.reason, r.status, r.notes, r.created_at, r.stripe_refund_id,
         r.failure_message, p.amount_pence as payment_amount, o.code, o.customer_name, o.customer_email
    from dispatch_refund r
    join dispatch_payment p on p.id = r.payment_id
    join dispatch_order o on o.id = r.order_id`;

interface RefundRow {
  id: string;
  payment_id: string;
  amount: number;
  reason: string;
  status: string;
  notes: string | null;
  created_at: Date;
  stripe_refund_id: string | null;
  failure_message: string | null;
  payment_amount: number;
  code: string;
  customer_name: string;
  customer_email: string;
}

const booking = (r: RefundRow) => ({
  code: r.code,
  customer: { user: { name: r.customer_name, email: r.customer_email } },
});

function presentRefund(r: RefundRow) {
  return {
    id: r.id,
    paymentId: r.payment_id,
    amount: r.amount,
    reason: r.reason,
    status: r.status,
    ...(r.notes ? { notes: r.notes } : {}),
    createdAt: iso(r.created_at),
    ...(r.failure_message ? { failureMessage: r.failure_message } : {}),
    payment: { id: r.payment_id, amount: r.payment_amount, booking: booking(r) },
  };
}

function refundWhere(f: RefundFilter, withCursor: boolean) {
  const w = conditions();
  const add = w.add;
  if (f.status) add('r.status = ?', f.status);
  if (f.reason) add('r.reason = ?', f.reason);
  if (f.fromDate) add('r.created_at >= ?', f.fromDate);
  if (f.toDate) add('r.created_at <= ?', f.toDate);
  if (f.search) add('o.search_text like ?', containing(f.search));
  if (withCursor && f.cursor) {
    const after = afterCursor('dispatch_refund', 'created_at', f.cursor, 'r');
    add(after.sql, ...after.params);
  }
  return w.clause();
}

export function createRefundService(
  deps: DurableServiceDeps & {
    approvals: ApprovalSettings;
    callbacks: CallbackSettings;
  },
) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;

  /** The refund a run settled (committed with its audit event), as the run answers it; null until then. */
  async function settled(workflowId: string): Promise<RefundPaymentResult | null> {
    const [row] = await sql<{
      id: string;
      status: 'completed' | 'failed';
      stripe_refund_id: string | null;
      request_hash: string;
    }>(
      `select id, status, stripe_refund_id, request_hash from dispatch_refund
        where workflow_id = ? and status in ('completed', 'failed')`,
      [workflowId],
    );
    return row
      ? { refundId: row.id, status: row.status, stripeRefundId: row.stripe_refund_id, requestHash: row.request_hash }
      : null;
  }

  async function refundById(id: string) {
    const [row] = await sql<RefundRow>(`${REFUND_SELECT} where r.id = ?`, [id]);
    if (!row) throw notFound('refund');
    return presentRefund(row);
  }

  return {
    /**
     * Starts (or joins) refund:<paymentId>:<caller>:<key> and waits within the
     * sync bound. The same key with another body is refused with 422.
     */
    async create({ callbackUrl, ...req }: RefundRequest, key: string, who: AuditContext) {
      if (callbackUrl) await checkCallbackUrl(deps.callbacks, callbackUrl, 'body.callbackUrl');
      const [payment] = await sql<{ id: string }>('select id from dispatch_payment where id = ?', [req.paymentId]);
      if (!payment) throw notFound('payment');
      const requestHash = refundRequestHash({ ...req, callbackUrl });
      const wfId = refundWorkflowId(req.paymentId, actorLabel(who), key);
      const [earlier] = await sql<{ request_hash: string }>(
        'select request_hash from dispatch_refund where workflow_id = ?',
        [wfId],
      );
      if (earlier && earlier.request_hash !== requestHash) throw keyReused();
      const approval = approvalGateFor(deps.approvals, REFUND_PAYMENT.operation, actorLabel(who), req.amount);
      const handle = await startOrAttach<RefundPaymentWorkflow>(deps.temporal, {
        workflowType: REFUND_PAYMENT.workflowType,
        workflowId: wfId,
        taskQueue: deps.taskQueue,
        args: [{ ...req, refundId: `ref_${randomUUID()}`, requestHash, audit: who, approval }],
        labels: {
          operation: REFUND_PAYMENT.operation,
          tenantId: req.paymentId,
          actor: actorLabel(who),
        },
        memo: { requestId: who.requestId, requestHash },
        summary: `Refund ${pounds(req.amount)} of ${req.paymentId}`,
      });
      await callBackWhenDone(deps.temporal, deps.taskQueue, handle, {
        url: callbackUrl,
        operation: REFUND_PAYMENT.operation,
        actor: actorLabel(who),
        tenantId: req.paymentId,
      });
      // Without a gate, the settled refund (committed with its audit event) answers as soon as it is there;
      // behind one, the run's own end does (a refund that was not approved is settled as failed, then fails).
      const outcome = await outcomeOrPlan<RefundPaymentResult>(
        handle,
        !!approval,
        deps.syncWaitMs,
        deps.stopping,
        approval
          ? undefined
          : { notifications: deps.notifications, channel: RUN_AUDITED_CHANNEL, read: () => settled(wfId) },
      );
      if (outcome.state === 'awaiting_approval' || outcome.state === 'running') {
        // A run still open was joined: its own request hash says whether it is this request.
        const memo = (await handle.describe()).memo as { requestHash?: string } | undefined;
        if (memo?.requestHash && memo.requestHash !== requestHash) throw keyReused();
        if (outcome.state === 'awaiting_approval')
          return { state: 'awaiting_approval' as const, workflowId: wfId, approval: outcome.approval };
        return { state: 'running' as const, workflowId: wfId, statusUrl: operationUrl(wfId) };
      }
      if (outcome.state === 'completed') {
        if (outcome.result.requestHash !== requestHash) throw keyReused();
        return { state: 'done' as const, workflowId: wfId, refund: await refundById(outcome.result.refundId) };
      }
      const f = outcome.failure;
      const status = f?.type ? BUSINESS_FAILURES[f.type] : undefined;
      if (status === 404) throw notFound('payment');
      if (status === 400)
        throw new AppError(400, 'VALIDATION_ERROR', f!.message, {
          details: { issues: [{ field: 'body.amount', message: f!.message }] },
        });
      if (status) throw new AppError(status, f!.type!, f!.message);
      const refused = notApproved(f, 'refund', wfId);
      if (refused) throw refused;
      throw new AppError(500, 'REFUND_FAILED', 'The refund failed; nothing was refunded', {
        cause: outcome.error,
        details: { workflowId: wfId },
      });
    },

    refundById,

    /**
     * The spec's page/limit list, plus a keyset cursor for deep pages (cursor
     * wins over page); summary and reasonsBreakdown cover every matching refund.
     */
    async list(f: RefundFilter) {
      const page = refundWhere(f, true);
      const all = refundWhere(f, false);
      const offset = f.cursor ? 0 : (f.page - 1) * f.limit;
      const [rows, totals, reasons] = await Promise.all([
        sql<RefundRow>(`${REFUND_SELECT} ${page.sql} order by r.created_at desc, r.id desc limit ? offset ?`, [
          ...page.params,
          f.limit + 1,
          offset,
        ]),
        sql<{ n: number; amount: number }>(
          `select count(*)::int as n, coalesce(sum(r.amount), 0)::bigint as amount from dispatch_refund r
             join dispatch_order o on o.id = r.order_id ${all.sql}`,
          all.params,
        ),
        sql<{ reason: string; amount: number; n: number }>(
          `select r.reason, coalesce(sum(r.amount), 0)::bigint as amount, count(*)::int as n from dispatch_refund r
             join dispatch_order o on o.id = r.order_id ${all.sql} group by r.reason order by 2 desc`,
          all.params,
        ),
      ]);
      const { items, next } = rowsPage(rows, f.limit, (r) => r.created_at);
      return {
        refunds: items.map((r) => {
          const { paymentId, payment, ...rest } = presentRefund(r);
          void paymentId;
          return { ...rest, payment: { booking: payment.booking } };
        }),
        total: totals[0].n,
        summary: { totalAmount: Number(totals[0].amount), totalCount: totals[0].n },
        reasonsBreakdown: reasons.map((r) => ({ reason: r.reason, totalAmount: Number(r.amount), count: r.n })),
        page: f.cursor ? null : f.page,
        limit: f.limit,
        ...next,
      };
    },
  };
}

const keyReused = () =>
  new AppError(422, REFUND_FAILURES.keyReused, 'This Idempotency-Key was already used with a different request body');

export type RefundService = ReturnType<typeof createRefundService>;
