import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../src/platform/observability/logger.ts';
import { createCockpitActivities } from './cockpit/index.ts';
import { createControlActivities } from './control/index.ts';
import type { Config } from '../src/platform/config.ts';

export interface ActivityDeps {
  orm: MikroORM;
  logger: Logger;
  config: Config;
}

/** Every activity the ops worker runs, with its clients injected. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCockpitActivities(deps),
    ...createControlActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
