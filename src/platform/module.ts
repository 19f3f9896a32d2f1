import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from './config.ts';
import type { Logger } from './observability/logger.ts';
import type { MountedModule } from './http/app.ts';
import type { ErrorRenderer } from './http/envelopes.ts';
import type { OpenApiRegistry } from './http/openapi.ts';
import type { Limits } from './ratelimit/rate-limit.ts';
import type { Refusals } from './auth/refusals.ts';
import type { OperatorAuthenticator } from './auth/operator-auth.ts';
import type { TemporalHandle } from './temporal/client.ts';
import type { SessionStore } from './auth/sessions.ts';

/** What the platform hands every module's route factory. */
export interface PlatformServices {
  config: Config;
  orm: MikroORM;
  temporal: TemporalHandle;
  logger: Logger;
  openapi: OpenApiRegistry;
  limits: Limits;
  refusals: Refusals;
  /** One operator identity: a session cookie or an operator bearer key. */
  operators: OperatorAuthenticator;
  sessions: SessionStore;
  /** Aborted when the API starts draining; see DurableServiceDeps.stopping. */
  stopping?: AbortSignal;
  /** Every module's cancellable operations (ModuleManifest.cancellable). */
  cancellable: ReadonlySet<string>;
}

/** What every service that starts durable runs needs: the ORM, the Temporal client and its queue, the sync bound. */
export interface DurableServiceDeps {
  orm: MikroORM;
  temporal: TemporalClient;
  taskQueue: string;
  /** How long a request waits for its run before answering that it is still running. */
  syncWaitMs: number;
  /**
   * Aborted when the API starts draining (SIGTERM): a request waiting for its run stops waiting and
   * answers "still running" with the run's status URL, so the process exits within its bound and no run is lost.
   */
  stopping?: AbortSignal;
  logger: Logger;
}

export const durableServiceDeps = (p: PlatformServices): DurableServiceDeps => ({
  orm: p.orm,
  temporal: p.temporal.client,
  taskQueue: p.temporal.taskQueue,
  syncWaitMs: p.config.http.syncWaitMs,
  ...(p.stopping ? { stopping: p.stopping } : {}),
  logger: p.logger,
});

/** What the worker hands every module's activity factory. */
export interface WorkerServices {
  config: Config;
  orm: MikroORM;
  logger: Logger;
}

/**
 * Everything the platform needs to know of a module, exported once from
 * `src/<module>/index.ts` and listed in `src/modules.ts`. The platform never
 * imports a module; it is given these.
 */
export interface ModuleManifest {
  name: string;
  /** defineEntity() schemas of the module's own tables. */
  entities: EntitySchema[];
  /** The module's routers (a module may mount more than one prefix). */
  routes: (services: PlatformServices) => MountedModule[];
  /** Activities the worker registers for the module's workflows. */
  activities?: (services: WorkerServices) => object;
  /** Workflow types the module starts (exported by workflows/index.ts). */
  workflows: readonly string[];
  /** Demo rows for `./ops start` on a fresh database; idempotent. */
  demoSeed?: (em: EntityManager) => Promise<void>;
  /** How the module's spec renders an error, by envelope name (routes name theirs). */
  envelopes: Record<string, ErrorRenderer>;
  /** OpenAPI security schemes its routes name. */
  securitySchemes?: Record<string, Record<string, unknown>>;
  /** Per-minute budgets of the module's rate-limit classes, by name. */
  rateLimits?: Record<string, number>;
  /**
   * Operations whose running runs an operator may cancel from the runs API: only those whose
   * workflow handles cancellation so that nothing is left half-done (others are refused).
   */
  cancellable?: readonly string[];
  /** Runs at every worker start (e.g. create or update a Temporal Schedule). */
  onWorkerStart?: (services: WorkerServices & { client: TemporalClient }) => Promise<void>;
}
