import type { ModuleManifest } from './platform/module.ts';
import { openOrm } from './platform/db/orm.ts';
import { tenantEntities } from './tenants/index.ts';
import { cockpitModule } from './cockpit/index.ts';
import { controlModule } from './control/index.ts';
import { supportModule } from './support/index.ts';
import { dispatchModule } from './dispatch/index.ts';
import { callerModule } from './caller/index.ts';
import { runsModule } from './runs/index.ts';

/** The one list of the platform's modules. The API, the worker, the launcher and the tests assemble from it. */
export const MODULES: readonly ModuleManifest[] = [
  cockpitModule,
  controlModule,
  supportModule,
  dispatchModule,
  callerModule,
  runsModule,
];

/** Every entity: the shared tenant's and each module's (the platform adds its own). */
export const appEntities = [...tenantEntities, ...MODULES.flatMap((m) => m.entities)];

export const openAppOrm = (databaseUrl: string, poolMax?: number) =>
  openOrm(databaseUrl, { entities: appEntities, poolMax });
