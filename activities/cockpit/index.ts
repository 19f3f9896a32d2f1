import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/platform/observability/logger.ts';
import { createDeleteClientActivities } from './delete-client.activities.ts';
import { createDetectAlertsActivities } from './detect-alerts.activities.ts';
import { createAuditActivities } from '../audit.activities.ts';

export function createCockpitActivities(deps: { orm: MikroORM; logger: Logger }) {
  return {
    ...createDeleteClientActivities(deps),
    ...createDetectAlertsActivities(deps),
    ...createAuditActivities(deps),
  };
}

export type CockpitActivities = ReturnType<typeof createCockpitActivities>;
export type { DeleteClientInput } from './delete-client.activities.ts';
export type { DetectionInput } from '../../src/cockpit/alerts-detect.contract.ts';
