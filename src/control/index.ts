import { durableServiceDeps, type ModuleManifest } from '../platform/module.ts';
import { MINUTE } from '../platform/time.ts';
import { TOOL_NAMES } from './tools.ts';
import { createControlActivities } from '../../activities/control/index.ts';
import { CONTROL_RATE_LIMITS, controlKeysFrom } from './control-keys.ts';
import { createControlRoutes } from './control.routes.ts';
import { createControlService } from './control.service.ts';
import { OPS_EXECUTE } from './ops-execute.contract.ts';

/** Spec 004, the Ops Control Plane: tools run as ops:<key>:<requestId>, replayed for 7 days. */
export const controlModule: ModuleManifest = {
  name: 'control',
  entities: [],
  routes: (p) => {
    const service = createControlService({
      ...durableServiceDeps(p),
      duplicateWaitMs: p.config.control.duplicateWaitMs,
      idempotencyTtlMs: p.config.control.idempotencyTtlMs,
      sqlPool: p.limits.pool,
      callbacks: p.config.callbacks,
    });
    const keys = controlKeysFrom(p.config.control.keys);
    return [
      createControlRoutes({ service, keys, refusals: p.refusals, rateLimit: p.limits.rateLimit, openapi: p.openapi }),
    ];
  },
  activities: (w) => createControlActivities(w),
  workflows: [OPS_EXECUTE.workflowType],
  // Every tool's run may be run again after a failure: each step is idempotent (ensure, check, read),
  // and a failed call's request id is released, so the caller may retry it as well.
  operations: Object.fromEntries(
    TOOL_NAMES.map((tool) => [
      OPS_EXECUTE.operationOf(tool),
      { retryable: true, slaMs: tool === 'tenant.bootstrap' ? MINUTE * 10 : MINUTE * 2 },
    ]),
  ),
  // spec 004: { ok: false, requestId?, tool?, error: { code, message, details?, help?, retryAfter? } }
  envelopes: {
    control: (e) => ({
      ok: false,
      ...(e.meta.requestId ? { requestId: e.meta.requestId } : {}),
      ...(e.meta.tool ? { tool: e.meta.tool } : {}),
      error: {
        code: e.code,
        message: e.message,
        ...(e.details ? { details: e.details } : {}),
        ...(e.meta.help ? { help: e.meta.help } : {}),
        ...(e.meta.retryAfter !== undefined ? { retryAfter: e.meta.retryAfter } : {}),
      },
    }),
  },
  securitySchemes: { internalSecret: { type: 'apiKey', in: 'header', name: 'x-book8-internal-secret' } },
  rateLimits: CONTROL_RATE_LIMITS,
};
