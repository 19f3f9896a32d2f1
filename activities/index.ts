import type { WorkerServices } from '../src/platform/module.ts';
import { MODULES } from '../src/modules.ts';

/** Every activity the ops worker runs: each module's, built with its clients injected. */
export function createActivities(deps: WorkerServices): Record<string, (...args: never[]) => Promise<unknown>> {
  return Object.assign({}, ...MODULES.map((m) => m.activities?.(deps) ?? {}));
}
