import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../src/platform/observability/logger.ts';
import { createCockpitActivities } from './cockpit/index.ts';

export interface ActivityDeps {
  orm: MikroORM;
  logger: Logger;
}

/** Every activity the ops worker runs, with its clients injected. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCockpitActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
