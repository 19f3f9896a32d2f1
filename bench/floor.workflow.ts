import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { floorActivities } from './floor.activities.ts';

// The floors of the workflow benchmarks: workflows whose activities do nothing,
// so what they measure is the engine alone.
const { noop } = proxyActivities<typeof floorActivities>({ startToCloseTimeout: '10s' });
const local = proxyLocalActivities<typeof floorActivities>({ startToCloseTimeout: '10s' });

/** One activity. */
export async function bareWorkflow(): Promise<string> {
  return noop();
}

/** Four activities, one after the other. */
export async function bare4Workflow(): Promise<string> {
  for (let i = 0; i < 3; i++) await noop();
  return noop();
}

/** Four local activities, one after the other. */
export async function local4Workflow(): Promise<string> {
  for (let i = 0; i < 3; i++) await local.noop();
  return local.noop();
}
