import type { WorkerServices } from '../../src/platform/module.ts';
import { createDeleteClientActivities } from './delete-client.activities.ts';
import { createDetectAlertsActivities } from './detect-alerts.activities.ts';
import { createAuditActivities } from '../audit.activities.ts';

export function createCockpitActivities(deps: Pick<WorkerServices, 'orm' | 'logger' | 'client' | 'config'>) {
  const ui = { uiUrl: deps.config.temporal.uiUrl, namespace: deps.config.temporal.namespace };
  return {
    ...createDeleteClientActivities(deps),
    ...createDetectAlertsActivities({ ...deps, ui }),
    ...createAuditActivities(deps),
  };
}

export type CockpitActivities = ReturnType<typeof createCockpitActivities>;
export type { DeleteClientInput } from './delete-client.activities.ts';
export type { DetectionInput } from '../../src/cockpit/alerts-detect.contract.ts';
