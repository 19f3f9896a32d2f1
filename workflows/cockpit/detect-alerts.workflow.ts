import { proxyActivities } from '@temporalio/workflow';
import type { CockpitActivities, DetectionInput } from '../../activities/cockpit/index.ts';
import { dbStep } from '../presets.ts';

const { detectStuckClients } = proxyActivities<CockpitActivities>({ ...dbStep, summary: 'Detect STUCK_CLIENT' });
const { detectPaymentBlocks } = proxyActivities<CockpitActivities>({ ...dbStep, summary: 'Detect PAYMENT_BLOCK' });
const { detectPoolEmpty } = proxyActivities<CockpitActivities>({ ...dbStep, summary: 'Detect POOL_EMPTY' });
const { detectStuckRuns } = proxyActivities<CockpitActivities>({ ...dbStep, summary: 'Detect RUN_STUCK' });

export interface DetectionResult {
  raised: { STUCK_CLIENT: number; PAYMENT_BLOCK: number; POOL_EMPTY: number; RUN_STUCK: number };
}

/** Run by the alert schedule: each alert type is its own step in the Web UI. */
export async function detectAlertsWorkflow(input: DetectionInput): Promise<DetectionResult> {
  const STUCK_CLIENT = await detectStuckClients(input);
  const PAYMENT_BLOCK = await detectPaymentBlocks();
  const POOL_EMPTY = await detectPoolEmpty();
  const RUN_STUCK = input.runSlasMs ? await detectStuckRuns(input.runSlasMs) : 0;
  return { raised: { STUCK_CLIENT, PAYMENT_BLOCK, POOL_EMPTY, RUN_STUCK } };
}
