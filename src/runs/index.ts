import type { ModuleManifest } from '../platform/module.ts';
import { adminApiEnvelope } from '../platform/http/envelopes.ts';
import { createRunsRoutes } from './runs.routes.ts';
import { createRunsService } from './runs.service.ts';

/** The operations console's runs API: every module's durable runs, read from Temporal's visibility. */
export const runsModule: ModuleManifest = {
  name: 'runs',
  entities: [],
  routes: (p) => {
    const service = createRunsService({
      orm: p.orm,
      temporal: p.temporal.client,
      cancellable: p.cancellable,
      namespace: p.config.temporal.namespace,
      uiUrl: p.config.temporal.uiUrl,
    });
    return [createRunsRoutes({ service, auth: p.operators.guard(), openapi: p.openapi })];
  },
  workflows: [],
  // the admin API's envelope: { success: false, error: { code, message, details? } }
  envelopes: { runs: adminApiEnvelope },
};
