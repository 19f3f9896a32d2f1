import { runLauncher } from './platform/launch/start.ts';
import { appEntities, MODULES } from './modules.ts';

/** `./ops start`: the whole platform on this machine, with each module's demo data. */
runLauncher({ entities: appEntities, demoSeeds: MODULES.flatMap((m) => (m.demoSeed ? [m.demoSeed] : [])) });
