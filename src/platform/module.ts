import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from './config.ts';
import type { Logger } from './observability/logger.ts';
import type { MountedModule } from './http/app.ts';
import type { ErrorRenderer } from './http/envelopes.ts';
import type { OpenApiRegistry } from './http/openapi.ts';
import type { Limits } from './ratelimit/rate-limit.ts';
import type { Notifications } from './db/notifications.ts';
import type { Refusals } from './auth/refusals.ts';
import type { OperatorAuthenticator } from './auth/operator-auth.ts';
import type { TemporalHandle } from './temporal/client.ts';
import type { SessionStore } from './auth/sessions.ts';
import type { Role } from './auth/roles.ts';

/** What the platform hands every module's route factory. */
export interface PlatformServices {
  config: Config;
  orm: MikroORM;
  temporal: TemporalHandle;
  logger: Logger;
  openapi: OpenApiRegistry;
  limits: Limits;
  /** LISTEN/NOTIFY: a request waiting for a row another process commits. */
  notifications: Notifications;
  refusals: Refusals;
  /** One operator identity: a session cookie or an operator bearer key. */
  operators: OperatorAuthenticator;
  sessions: SessionStore;
  /** Aborted when the API starts draining; see DurableServiceDeps.stopping. */
  stopping?: AbortSignal;
  /** Every module's operations and what the runs console may do with them (ModuleManifest.operations). */
  operations: OperationPolicies;
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
  /** A run's committed answer is read as soon as the database announces it (awaitOutcome's `committed`). */
  notifications: Notifications;
}

export const durableServiceDeps = (p: PlatformServices): DurableServiceDeps => ({
  orm: p.orm,
  temporal: p.temporal.client,
  taskQueue: p.temporal.taskQueue,
  syncWaitMs: p.config.http.syncWaitMs,
  ...(p.stopping ? { stopping: p.stopping } : {}),
  logger: p.logger,
  notifications: p.notifications,
});

/** What the operations console may do with an operation's runs, and how long one may stay open. */
export interface OperationPolicy {
  /**
   * A running run may be stopped from the runs API: only where its workflow handles cancellation so
   * that nothing is left half-done (others are refused).
   */
  cancellable?: boolean;
  /**
   * A run that ended without success may be started again with its own input, under its own workflow
   * ID (the idempotency key) as a new run: only where a second run after a failed one is safe.
   */
  retryable?: boolean;
  /** The least role that may retry it: the role its own start needs (default operator). */
  retryRole?: Role;
  /** Its workflow has an approval gate (workflows/approval.ts) that APPROVALS may switch on. */
  approvable?: boolean;
  /** The business SLA: a run still open this long raises one RUN_STUCK alert. */
  slaMs: number;
}

export type OperationPolicies = ReadonlyMap<string, OperationPolicy>;

/** The least role that may retry a run of the operation (its start's; operator unless it says). */
export const retryRoleOf = (policy: OperationPolicy): Role => policy.retryRole ?? 'operator';

/** Every module's operations, by name (a name declared twice is a programming error). */
export function operationPolicies(modules: readonly Pick<ModuleManifest, 'name' | 'operations'>[]): OperationPolicies {
  const all = new Map<string, OperationPolicy>();
  for (const m of modules) {
    for (const [operation, policy] of Object.entries(m.operations)) {
      if (all.has(operation)) throw new Error(`operation ${operation} is declared twice (module ${m.name})`);
      all.set(operation, policy);
    }
  }
  return all;
}

/** What the worker hands every module's activity factory and start-up work. */
export interface WorkerServices {
  config: Config;
  orm: MikroORM;
  logger: Logger;
  /** For activities that read Temporal itself (stuck-run detection) and for start-up work (Schedules). */
  client: TemporalClient;
  /** Every module's operations with their policies (SLAs, …). */
  operations: OperationPolicies;
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
  /** Every operation (the Operation search attribute) the module's runs carry, with its policy. */
  operations: Record<string, OperationPolicy>;
  /**
   * Runs at every worker start (e.g. create or update a Temporal Schedule). It may hand back a
   * stop function for work it keeps running beside the worker; the worker calls it as it stops.
   */
  onWorkerStart?: (services: WorkerServices) => Promise<void | (() => Promise<void>)>;
}
