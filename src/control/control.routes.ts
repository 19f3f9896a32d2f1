import { auditContextFrom } from '../platform/audit/audit.ts';
import { controlKeyAuth, type ControlKey } from '../platform/auth/control-keys.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { RateLimiter } from '../platform/ratelimit/rate-limit.ts';
import type { Middleware } from 'koa';
import { executeBodyDoc, parseExecuteRequest } from './control.schemas.ts';
import type { ControlService } from './control.service.ts';

export const CONTROL_PREFIX = '/api/internal/ops';

/** Spec 004, Ops Control Plane: one endpoint, authenticated by x-book8-internal-secret. */
export function createControlRoutes(deps: { service: ControlService; keys: ControlKey[]; rateLimit: RateLimiter; openapi: OpenApiRegistry }): MountedModule {
  const auth = controlKeyAuth(deps.keys);
  const r = new ModuleRouter({ prefix: CONTROL_PREFIX, tag: 'control', registry: deps.openapi });

  // POST only: the spec leaves GET unlimited for authenticated callers.
  const perKeyLimit: Middleware = async (ctx, next) => {
    const key = ctx.state.controlKey as ControlKey;
    const decision = await deps.rateLimit(`ops:${key.name}`, key.perMinute);
    ctx.set(decision.headers);
    await next();
  };

  r.route({
    method: 'get', path: '/execute', summary: 'Available tools for this key, and API health', auth,
    handler: async (_input, ctx) => ({ body: deps.service.health(ctx.state.controlKey as ControlKey) }),
  });
  r.route({
    method: 'post', path: '/execute', summary: 'Run a tool as the durable, idempotent workflow ops:<requestId>', auth,
    before: [perKeyLimit],
    docs: { body: executeBodyDoc },
    handler: async (_input, ctx) => {
      const req = parseExecuteRequest(ctx.request.body);
      ctx.state.workflowId = `ops:${req.requestId}`;
      return deps.service.execute(req, ctx.state.controlKey as ControlKey, auditContextFrom(ctx));
    },
  });
  return { prefix: CONTROL_PREFIX, envelope: 'control', router: r.router };
}
