import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { RunsService } from './runs.service.ts';
import { cancelBody, runParams, runsQuerySchema } from './runs.schemas.ts';
import { auditContextFrom } from '../platform/audit/audit.ts';

export const RUNS_PREFIX = '/api/admin';

const ok = <T>(data: T) => ({ success: true as const, data });

/** The runs of every module in business terms (operator session or key; reads need viewer). */
export function createRunsRoutes(d: {
  service: RunsService;
  auth: Authenticator;
  openapi: OpenApiRegistry;
}): MountedModule {
  const r = new ModuleRouter({ prefix: RUNS_PREFIX, tag: 'runs', envelope: 'runs', registry: d.openapi });
  r.route({
    method: 'get',
    path: '/runs',
    summary: 'Runs of every module (by Operation, TenantId, Actor, status, start time), open ones first',
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
  r.route({
    method: 'post',
    path: '/runs/:workflowId/cancel',
    summary: 'Stop a running run of a cancellable operation (audited with who and why)',
    auth: d.auth,
    access: 'operator',
    input: { params: runParams, body: cancelBody },
    handler: async ({ params, body }, ctx) => ({
      status: 202,
      body: ok(await d.service.cancel(params.workflowId, body.reason, auditContextFrom(ctx))),
    }),
  });
  return r.mounted();
}
