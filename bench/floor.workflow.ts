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

/** One local activity: the shape of a manual driver assignment. */
export async function local1Workflow(): Promise<string> {
  return local.noop();
}

/** Local, regular, local: the shape of a refund (reserve, Stripe, settle). */
export async function refundShapeWorkflow(): Promise<string> {
  await local.noop();
  await noop();
  return local.noop();
}

/** A local activity then a regular one: the shape of a call placement (intent, dial). */
export async function local1Activity1Workflow(): Promise<string> {
  await local.noop();
  return noop();
}
