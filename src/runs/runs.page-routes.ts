import { z } from 'zod';
import type { Context } from 'koa';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import { retryRoleOf, type OperationPolicies } from '../platform/module.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import { AppError } from '../platform/http/errors.ts';
import { PAGE_HEADERS } from '../platform/http/pages.ts';
import { sameOriginOnly } from '../platform/http/same-origin.ts';
import { hasRole } from '../platform/auth/roles.ts';
import { auditContextFrom } from '../platform/audit/audit.ts';
import type { OpsContext } from '../platform/http/state.ts';
import type { RunsService } from './runs.service.ts';
import type { ApprovalsService } from './approvals.service.ts';
import { reasonBody, runParams, runsQuerySchema } from './runs.schemas.ts';
import { RUNS_PAGE, runPage, runsPage } from './runs.pages.ts';

const ACTIONS = {
  approve: 'Approved',
  reject: 'Rejected',
  cancel: 'Cancellation requested for',
  retry: 'Retry started for',
} as const;
type Action = keyof typeof ACTIONS;

const pageQuery = z.object({
  operation: runsQuerySchema.shape.operation,
  tenantId: runsQuerySchema.shape.tenantId,
  status: runsQuerySchema.shape.status,
  cursor: runsQuerySchema.shape.cursor,
  // After an action (post, redirect, get): which one, on which run. Fixed words, never free text.
  done: z.enum(Object.keys(ACTIONS) as [Action, ...Action[]]).optional(),
  run: z
    .string()
    .max(300)
    .regex(/^[A-Za-z0-9._:@+-]+$/)
    .optional(),
});

const page = (html: string, status = 200) => ({ status, body: html, headers: PAGE_HEADERS });

/**
 * The operations console at /admin/runs for the people at the desk (the operator session from
 * /admin/login; a viewer sees, an operator acts). Actions are same-origin form POSTs (the session
 * cookie is SameSite=Strict, and sameOriginOnly refuses a cross-site request), answered with a
 * redirect back to the list; a refusal (self-approval, a late decision, …) is shown on the page.
 */
export function createRunsPageRoutes(d: {
  runs: RunsService;
  approvals: ApprovalsService;
  operations: OperationPolicies;
  auth: Authenticator;
  openapi: OpenApiRegistry;
}): MountedModule {
  const r = new ModuleRouter({ prefix: RUNS_PAGE, tag: 'runs', envelope: 'runs', registry: d.openapi });
  const csrf = [sameOriginOnly()];
  const actionsFor = (ctx: Context) => {
    const principal = (ctx as OpsContext).state.principal!;
    const policy = (op: string | null) => (op ? d.operations.get(op) : undefined);
    return {
      canAct: hasRole(principal, 'operator'),
      // Decisions are a signed-in person's (see ApprovalsService.decide).
      canDecide: hasRole(principal, 'operator') && principal.kind === 'operator-session',
      cancellable: (op: string | null) => !!policy(op)?.cancellable,
      retryable: (op: string | null) => !!policy(op)?.retryable && hasRole(principal, retryRoleOf(policy(op)!)),
    };
  };
  const listPage = async (
    ctx: Context,
    filter: Omit<z.output<typeof pageQuery>, 'done' | 'run'>,
    m: { notice?: string; error?: string } = {},
  ) => {
    const [list, pending] = await Promise.all([
      d.runs.list({ ...filter, limit: 50 }),
      d.approvals.pending({ limit: 50 }),
    ]);
    const { cursor: _cursor, ...shown } = filter;
    return runsPage({
      username: (ctx as OpsContext).state.principal!.name,
      actions: actionsFor(ctx),
      approvals: pending.approvals,
      runs: list.runs,
      nextCursor: list.nextCursor,
      filter: shown,
      ...m,
    });
  };

  r.route({
    method: 'get',
    path: '/',
    summary: 'The runs page: runs with filters, pending approvals with their plans, and the actions on them',
    auth: d.auth,
    access: 'viewer',
    input: { query: pageQuery },
    handler: async ({ query }, ctx) => {
      const { done, run, ...filter } = query;
      const notice = done && run ? `${ACTIONS[done]} ${run}.` : undefined;
      return page(await listPage(ctx, filter, { notice }));
    },
  });
  r.route({
    method: 'get',
    path: '/:workflowId',
    summary: "A run's page: its labels, status and business steps",
    auth: d.auth,
    access: 'viewer',
    input: { params: runParams },
    handler: async ({ params }, ctx) =>
      page(
        runPage({ username: (ctx as OpsContext).state.principal!.name, run: await d.runs.detail(params.workflowId) }),
      ),
  });
  for (const action of Object.keys(ACTIONS) as Action[]) {
    r.route({
      method: 'post',
      path: `/:workflowId/${action}`,
      summary: `The runs page's ${action} form (reason required; audited)`,
      auth: d.auth,
      access: 'operator',
      before: csrf,
      input: { params: runParams },
      docs: { body: reasonBody },
      handler: async ({ params }, ctx) => {
        const parsed = reasonBody.safeParse(ctx.request.body ?? {});
        if (!parsed.success)
          return page(await listPage(ctx, {}, { error: 'Give a reason (plain text, at most 500 characters).' }), 400);
        const who = auditContextFrom(ctx);
        const { reason } = parsed.data;
        const id = params.workflowId;
        try {
          if (action === 'approve' || action === 'reject') await d.approvals.decide(id, action, reason, who);
          else if (action === 'cancel') await d.runs.cancel(id, reason, who);
          else await d.runs.retry(id, reason, who);
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500) throw err;
          return page(await listPage(ctx, {}, { error: `${err.message} (${err.code})` }), err.status);
        }
        const back = new URLSearchParams({ done: action, run: id });
        return { status: 303, body: 'Done', headers: { Location: `${RUNS_PAGE}?${back}` } };
      },
    });
  }
  return r.mounted();
}
