import { proxyActivities } from '@temporalio/workflow';
import type { floorActivities } from './floor.activities.ts';

const { noop } = proxyActivities<typeof floorActivities>({ startToCloseTimeout: '10s' });

/** The floor for workflow benchmarks: one workflow, one activity that does nothing. */
export async function bareWorkflow(): Promise<string> {
  return noop();
}
