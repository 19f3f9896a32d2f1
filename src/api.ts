import type Koa from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './platform/config.ts';
import { createApp } from './platform/http/app.ts';
import { OpenApiRegistry } from './platform/http/openapi.ts';
import { createOperatorKeyAuthenticator } from './platform/auth/api-keys.ts';
import type { Logger } from './platform/observability/logger.ts';
import { createMetrics, type Metrics } from './platform/observability/metrics.ts';
import type { TemporalHandle } from './platform/temporal/client.ts';
import { createCockpitService } from './cockpit/cockpit.service.ts';
import { createCockpitRoutes } from './cockpit/cockpit.routes.ts';
import { createControlService } from './control/control.service.ts';
import { createControlRoutes } from './control/control.routes.ts';
import { controlKeysFrom } from './platform/auth/control-keys.ts';
import type { Limits } from './platform/ratelimit/rate-limit.ts';
import { createRefusals } from './platform/auth/refusals.ts';
import { createSessionStore } from './platform/auth/sessions.ts';
import { createSupportService } from './support/support.service.ts';
import { createCustomerRoutes, createSupportRoutes } from './support/support.routes.ts';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface ApiDeps {
  config: Config;
  orm: MikroORM;
  temporal: TemporalHandle;
  logger: Logger;
  metrics?: Metrics;
  /**
   * Shared limiters (PostgreSQL-backed) and their plain pg pool, which also runs
   * hot-path statements kept as named prepared statements; the caller owns it.
   */
  limits: Limits;
}

/** Wires every module's service and routes into one Koa app. */
export function buildApi(deps: ApiDeps): Koa {
  const openapi = new OpenApiRegistry();
  const metrics = deps.metrics ?? createMetrics();
  const authenticate = createOperatorKeyAuthenticator(deps.orm.em);
  const cockpit = createCockpitService({
    orm: deps.orm,
    temporal: deps.temporal.client,
    taskQueue: deps.temporal.taskQueue,
    syncWaitMs: deps.config.http.syncWaitMs,
    deleteReplayWindowMs: deps.config.cockpit.deleteReplayWindowMs,
    logger: deps.logger,
  });
  const control = createControlService({
    orm: deps.orm,
    temporal: deps.temporal.client,
    taskQueue: deps.temporal.taskQueue,
    syncWaitMs: deps.config.http.syncWaitMs,
    duplicateWaitMs: deps.config.control.duplicateWaitMs,
    idempotencyTtlMs: deps.config.control.idempotencyTtlMs,
    sqlPool: deps.limits.pool,
    logger: deps.logger,
  });
  const keys = controlKeysFrom(deps.config.control.keys);
  const sessions = createSessionStore(() => deps.orm.em as EntityManager, {
    ttlMs: deps.config.auth.sessionTtlMs,
    idleMs: deps.config.auth.sessionIdleMs,
  });
  const refusals = createRefusals({ orm: deps.orm, throttle: deps.limits.refusalThrottle, logger: deps.logger });
  const support = createSupportService({ orm: deps.orm });
  return createApp({
    orm: deps.orm,
    temporal: deps.temporal,
    logger: deps.logger,
    metrics,
    openapi,
    bodyLimit: deps.config.http.bodyLimit,
    trustedProxyHops: deps.config.http.trustedProxyHops,
    modules: [
      createCockpitRoutes({ service: cockpit, authenticate, refusals, openapi }),
      createControlRoutes({ service: control, keys, refusals, rateLimit: deps.limits.rateLimit, openapi }),
      createSupportRoutes({ service: support, sessions, throttle: deps.limits.loginThrottle, orm: deps.orm, openapi }),
      createCustomerRoutes({ service: support, rateLimit: deps.limits.rateLimit, openapi }),
    ],
  });
}
