import type { Middleware } from 'koa';
import type { OpsContext } from '../platform/http/state.ts';
import { auditContextFrom } from '../platform/audit/audit.ts';
import { controlKeyAuth, type ControlKey } from './control-keys.ts';
import type { Refusals } from '../platform/auth/refusals.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import { rateLimitHeaders, type RateLimiter } from '../platform/ratelimit/rate-limit.ts';
import { executeBodyDoc, parseExecuteRequest } from './control.schemas.ts';
import type { Budget, ControlService } from './control.service.ts';
import { opsBudgetKey, opsWorkflowId } from './ops-execute.contract.ts';

export const CONTROL_PREFIX = '/api/internal/ops';

/** What the control plane's middleware adds to ctx.state. */
interface ControlState {
  controlKey: ControlKey;
  budget: Budget;
}

/** Spec 004, Ops Control Plane: one endpoint, authenticated by x-book8-internal-secret. */
export function createControlRoutes(deps: {
  service: ControlService;
  keys: ControlKey[];
  refusals: Refusals;
  rateLimit: RateLimiter;
  openapi: OpenApiRegistry;
}): MountedModule {
  const auth = controlKeyAuth(deps.keys, deps.refusals);
  const r = new ModuleRouter({ prefix: CONTROL_PREFIX, tag: 'control', envelope: 'control', registry: deps.openapi });

  /**
   * POST only (the spec leaves GET unlimited). An admitted request spends its
   * point in the statement that claims it; one refused before that (bad JSON, bad
   * fields, a tool it may not run) spends it here, so a flood of bad requests is
   * limited too, and a caller over budget hears 429 whatever it sent.
   */
  const perKeyBudget: Middleware = async (ctx, next) => {
    const key = (ctx as OpsContext<ControlState>).state.controlKey;
    let charged = false;
    const budget: Budget = {
      key: opsBudgetKey(key.name),
      charged: (w) => {
        charged = true;
        ctx.set(rateLimitHeaders(w.limit, w.consumed, w.msBeforeNext));
      },
    };
    ctx.state.budget = budget;
    try {
      await next();
    } catch (err) {
      if (!charged) ctx.set((await deps.rateLimit(budget.key, key.perMinute)).headers);
      throw err;
    }
  };

  r.route({
    method: 'get',
    path: '/execute',
    summary: 'Available tools for this key, and API health',
    auth,
    access: 'viewer',
    handler: async (_input, ctx: OpsContext<ControlState>) => ({ body: deps.service.health(ctx.state.controlKey) }),
  });
  r.route({
    method: 'post',
    path: '/execute',
    summary: 'Run a tool as the durable, idempotent workflow ops:<key>:<requestId>',
    auth,
    // Every key may call it; which tools it may run is decided by its scopes (403 FORBIDDEN).
    access: 'viewer',
    before: [perKeyBudget],
    docs: { body: executeBodyDoc },
    handler: async (_input, ctx: OpsContext<ControlState>) => {
      const key = ctx.state.controlKey;
      const req = parseExecuteRequest(ctx.request.body);
      ctx.state.workflowId = opsWorkflowId(key.name, req.requestId);
      return deps.service.execute(req, key, auditContextFrom(ctx), ctx.state.budget);
    },
  });
  return r.mounted();
}
