import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { RunsService } from './runs.service.ts';
import { approvalsQuery, bulkBody, reasonBody, runParams, runsQuerySchema } from './runs.schemas.ts';
import type { BulkService } from './bulk.service.ts';
import type { ApprovalsService } from './approvals.service.ts';
import { auditContextFrom } from '../platform/audit/audit.ts';

export const RUNS_PREFIX = '/api/admin';

const ok = <T>(data: T) => ({ success: true as const, data });

/** The runs of every module in business terms (operator session or key; reads need viewer). */
export function createRunsRoutes(d: {
  service: RunsService;
  approvals: ApprovalsService;
  bulk: BulkService;
  auth: Authenticator;
  openapi: OpenApiRegistry;
}): MountedModule {
  const r = new ModuleRouter({ prefix: RUNS_PREFIX, tag: 'runs', envelope: 'runs', registry: d.openapi });
  r.route({
    method: 'get',
    path: '/runs',
    summary: 'Runs of every module (by Operation, TenantId, Actor, status, start time), newest first',
    auth: d.auth,
    access: 'viewer',
    input: { query: runsQuerySchema },
    handler: async ({ query }) => ({ body: ok(await d.service.list(query)) }),
  });
  r.route({
    method: 'get',
    path: '/runs/:workflowId',
    summary: 'A run: its labels, its business steps from the history, its result or failure code',
    auth: d.auth,
    access: 'viewer',
    input: { params: runParams },
    handler: async ({ params }) => ({ body: ok(await d.service.detail(params.workflowId)) }),
  });
  const runActions = {
    cancel: 'Stop a running run of a cancellable operation (audited with who and why)',
    retry: 'Start a failed run of a retryable operation again with its input, as a new run of its ID (audited)',
  } as const;
  for (const [action, summary] of Object.entries(runActions) as [keyof typeof runActions, string][]) {
    r.route({
      method: 'post',
      path: `/runs/:workflowId/${action}`,
      summary,
      auth: d.auth,
      access: 'operator',
      input: { params: runParams, body: reasonBody },
      handler: async ({ params, body }, ctx) => ({
        status: 202,
        body: ok(await d.service[action](params.workflowId, body.reason, auditContextFrom(ctx))),
      }),
    });
  }
  r.route({
    method: 'post',
    path: '/runs/bulk',
    summary: 'Bulk cancel or retry by filter: first a preview (count, first 20, a 5-minute token), then one batch run',
    auth: d.auth,
    access: 'operator',
    input: { body: bulkBody },
    handler: async ({ body }, ctx) => {
      const who = auditContextFrom(ctx);
      if (!body.previewToken) return { body: ok(await d.bulk.preview(body.filter, body.action, who)) };
      return {
        status: 202,
        body: ok(await d.bulk.execute(body.filter, body.action, body.reason, body.previewToken, who)),
      };
    },
  });
  r.route({
    method: 'get',
    path: '/approvals',
    summary: 'Runs awaiting a second operator’s decision, newest first, each with its plan',
    auth: d.auth,
    access: 'viewer',
    input: { query: approvalsQuery },
    handler: async ({ query }) => ({ body: ok(await d.approvals.pending(query)) }),
  });
  for (const decision of ['approve', 'reject'] as const) {
    r.route({
      method: 'post',
      path: `/approvals/:workflowId/${decision}`,
      summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a run awaiting approval (not its requester; audited)`,
      auth: d.auth,
      access: 'operator',
      input: { params: runParams, body: reasonBody },
      handler: async ({ params, body }, ctx) => ({
        body: ok(await d.approvals.decide(params.workflowId, decision, body.reason, auditContextFrom(ctx))),
      }),
    });
  }
  return r.mounted();
}
