import { randomUUID } from 'node:crypto';
import { auditContextFrom } from '../platform/audit/audit.ts';
import { validationError } from '../platform/http/errors.ts';
import type { ModuleRouter } from '../platform/http/route.ts';
import type { DispatchRouteDeps } from './dispatch.routes.ts';
import type { PricingFields } from './pricing.rules.ts';
import * as s from './dispatch.schemas.ts';
import { stillRunning } from './orders.routes.ts';
import { approvalUrlOf, runUrlOf, type ApprovalView } from '../platform/approvals/approval.contract.ts';

/** A refund waiting for a second operator (APPROVALS): 202 with where to decide it and its plan. */
const awaitingApproval = (o: { workflowId: string; approval: ApprovalView }) => ({
  status: 202,
  headers: { Location: approvalUrlOf(o.workflowId) },
  body: {
    status: 'AWAITING_APPROVAL',
    workflowId: o.workflowId,
    runUrl: runUrlOf(o.workflowId),
    approvalUrl: approvalUrlOf(o.workflowId),
    plan: o.approval.plan,
    approvalDeadline: o.approval.deadline,
  },
});

export function addFinanceRoutes(r: ModuleRouter, d: DispatchRouteDeps) {
  const { auth, standard } = d;
  r.route({
    method: 'post',
    path: '/refunds',
    summary: 'Refund a payment through Stripe (workflow refund:<paymentId>:<caller>:<Idempotency-Key>)',
    auth,
    access: 'operator',
    before: [standard],
    input: { body: s.createRefundBody },
    handler: async ({ body }, ctx) => {
      const given = ctx.get('idempotency-key');
      const key = s.idempotencyKey.safeParse(given || `request-${ctx.state.requestId ?? randomUUID()}`);
      if (!key.success)
        throw validationError([{ field: 'headers.Idempotency-Key', message: key.error.issues[0].message }]);
      const out = await d.refunds.create(body, key.data, auditContextFrom(ctx));
      ctx.state.workflowId = out.workflowId;
      if (out.state === 'running') return stillRunning(out);
      if (out.state === 'awaiting_approval') return awaitingApproval(out);
      return { headers: { 'Idempotency-Key': key.data }, body: out.refund };
    },
  });
  r.route({
    method: 'get',
    path: '/refunds',
    summary: 'Refunds with summary and reasons breakdown (page/limit, or a keyset cursor)',
    auth,
    access: 'viewer',
    before: [standard],
    input: { query: s.refundsQuery },
    handler: async ({ query }) => ({ body: await d.refunds.list(query) }),
  });
  r.route({
    method: 'put',
    path: '/config/pricing',
    summary: 'Add a pricing version for a zone (fields left out carry over from the latest)',
    auth,
    access: 'admin',
    before: [standard],
    input: { body: s.pricingBody },
    handler: async ({ body }, ctx) => ({
      body: await d.pricing.put(body as Partial<PricingFields> & typeof body, auditContextFrom(ctx)),
    }),
  });
  r.route({
    method: 'get',
    path: '/config/pricing',
    summary: 'Pricing versions of a zone, newest first, or the one in force at a time',
    auth,
    access: 'viewer',
    before: [standard],
    input: { query: s.pricingQuery },
    handler: async ({ query }) => ({ body: await d.pricing.list(query) }),
  });
}
