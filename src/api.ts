import type Koa from 'koa';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, type Config } from './platform/config.ts';
import { createApp } from './platform/http/app.ts';
import { OpenApiRegistry } from './platform/http/openapi.ts';
import { createOperatorKeyAuthenticator } from './platform/auth/api-keys.ts';
import { createOperatorAuthenticator } from './platform/auth/operator-auth.ts';
import type { Logger } from './platform/observability/logger.ts';
import { createMetrics, type Metrics } from './platform/observability/metrics.ts';
import type { TemporalHandle } from './platform/temporal/client.ts';
import type { Limits } from './platform/ratelimit/rate-limit.ts';
import type { Notifications } from './platform/db/notifications.ts';
import { createRefusals } from './platform/auth/refusals.ts';
import { createSessionStore } from './platform/auth/sessions.ts';
import { operationPolicies, type PlatformServices } from './platform/module.ts';
import { createAccessRoutes } from './platform/auth/access.routes.ts';
import { adminApiEnvelope } from './platform/http/envelopes.ts';
import { MODULES } from './modules.ts';
import { approvalProblems } from './platform/approvals/approvals-config.ts';

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
  /** LISTEN/NOTIFY on its own connection (openNotifications); the caller owns it. */
  notifications: Notifications;
  /** Aborted when the process starts draining (SIGTERM): requests waiting for a run answer "still running". */
  stopping?: AbortSignal;
}

/** Assembles the platform's services and every module of src/modules.ts into one Koa app. */
export function buildApi(deps: ApiDeps): Koa {
  const openapi = new OpenApiRegistry(Object.assign({}, ...MODULES.map((m) => m.securitySchemes ?? {})));
  const sessions = createSessionStore(() => deps.orm.em as EntityManager, {
    ttlMs: deps.config.auth.sessionTtlMs,
    idleMs: deps.config.auth.sessionIdleMs,
  });
  const refusals = createRefusals({ orm: deps.orm, throttle: deps.limits.refusalThrottle, logger: deps.logger });
  const operators = createOperatorAuthenticator({
    keys: createOperatorKeyAuthenticator(deps.orm.em),
    sessions,
    refusals,
  });
  const operations = operationPolicies(MODULES);
  const unapprovable = approvalProblems(deps.config.approvals.rules, operations);
  if (unapprovable.length) throw new ConfigError(`APPROVALS: ${unapprovable.join('; ')}`);
  const services: PlatformServices = { ...deps, openapi, refusals, operators, sessions, operations };
  return createApp({
    orm: deps.orm,
    temporal: deps.temporal,
    logger: deps.logger,
    metrics: deps.metrics ?? createMetrics(),
    openapi,
    bodyLimit: deps.config.http.bodyLimit,
    trustedProxyHops: deps.config.http.trustedProxyHops,
    modules: [createAccessRoutes(services), ...MODULES.flatMap((m) => m.routes(services))],
    envelopes: Object.assign({ access: adminApiEnvelope }, ...MODULES.map((m) => m.envelopes)),
  });
}
