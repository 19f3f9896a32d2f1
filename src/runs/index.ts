import type { ModuleManifest } from '../platform/module.ts';
import { adminApiEnvelope } from '../platform/http/envelopes.ts';
import { createRunsRoutes } from './runs.routes.ts';
import { createRunsService } from './runs.service.ts';
import { createApprovalsService } from './approvals.service.ts';

/** The operations console's runs API: every module's durable runs, read from Temporal's visibility. */
export const runsModule: ModuleManifest = {
  name: 'runs',
  entities: [],
  routes: (p) => {
    const service = createRunsService({
      orm: p.orm,
      temporal: p.temporal.client,
      operations: p.operations,
      namespace: p.config.temporal.namespace,
      uiUrl: p.config.temporal.uiUrl,
    });
    const approvals = createApprovalsService({ orm: p.orm, runs: service });
    return [createRunsRoutes({ service, approvals, auth: p.operators.guard(), openapi: p.openapi })];
  },
  workflows: [],
  operations: {},
  // the admin API's envelope: { success: false, error: { code, message, details? } }
  envelopes: { runs: adminApiEnvelope },
};
