import type { ModuleManifest } from '../platform/module.ts';
import { adminApiEnvelope } from '../platform/http/envelopes.ts';
import { createRunsRoutes } from './runs.routes.ts';
import { createRunsService } from './runs.service.ts';
import { createApprovalsService } from './approvals.service.ts';
import { createRunsPageRoutes } from './runs.page-routes.ts';
import { createCallbackActivities } from '../../activities/runs/callback.activities.ts';
import { RUN_CALLBACK } from '../platform/callbacks/run-callback.contract.ts';
import { HOUR, MINUTE } from '../platform/time.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config.ts';
import type { OperationPolicies } from '../platform/module.ts';
import { createBulkService } from './bulk.service.ts';
import { createBulkActivities } from '../../activities/runs/bulk.activities.ts';
import { RUNS_BULK } from './bulk.contract.ts';
import { OPERATOR_LOGIN_PATH } from '../platform/auth/session-auth.ts';
import { startRunIndexer } from './run-index.ts';

/** The runs service as the API and the worker (bulk steps) both build it. */
const runsServiceOf = (config: Config, orm: MikroORM, temporal: Client, operations: OperationPolicies) =>
  createRunsService({
    orm,
    temporal,
    operations,
    namespace: config.temporal.namespace,
    uiUrl: config.temporal.uiUrl,
    approvals: config.approvals,
  });

/** The operations console: every module's durable runs, approvals, callbacks and bulk actions. */
export const runsModule: ModuleManifest = {
  name: 'runs',
  entities: [],
  routes: (p) => {
    const service = runsServiceOf(p.config, p.orm, p.temporal.client, p.operations);
    const approvals = createApprovalsService({ orm: p.orm, runs: service });
    const bulk = createBulkService({
      orm: p.orm,
      temporal: p.temporal.client,
      taskQueue: p.temporal.taskQueue,
      operations: p.operations,
      runs: service,
    });
    return [
      createRunsRoutes({ service, approvals, bulk, auth: p.operators.guard(), openapi: p.openapi }),
      createRunsPageRoutes({
        runs: service,
        approvals,
        operations: p.operations,
        // A page without a session sends the operator to sign in (the support admin's login page).
        auth: p.operators.guard({ anonymous: { redirect: OPERATOR_LOGIN_PATH } }),
        openapi: p.openapi,
      }),
    ];
  },
  activities: (w) => ({
    ...createCallbackActivities({
      orm: w.orm,
      client: w.client,
      secret: w.config.callbacks.secret,
      allowPrivate: w.config.callbacks.allowPrivate,
    }),
    ...createBulkActivities({ runs: runsServiceOf(w.config, w.orm, w.client, w.operations) }),
  }),
  workflows: [RUN_CALLBACK.workflowType, RUNS_BULK.workflowType],
  // Every worker keeps the runs list's index of runs up to date (see run-index.ts).
  onWorkerStart: async (w) => startRunIndexer(w).stop,
  operations: {
    // A callback waits for its run (a day, with an approval), then retries its receiver for a day.
    [RUN_CALLBACK.operation]: { slaMs: HOUR * 50 },
    [RUNS_BULK.operation]: { slaMs: MINUTE * 30 },
  },
  // the admin API's envelope: { success: false, error: { code, message, details? } }
  envelopes: { runs: adminApiEnvelope },
};
