import { ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CallbackActivities } from '../../activities/runs/callback.activities.ts';
import type { RunCallbackRequest } from '../../src/platform/callbacks/run-callback.contract.ts';
import { localDbStep, outgoingDeliveryStep } from '../presets.ts';

const { awaitRunOutcome } = proxyActivities<CallbackActivities>({
  // A run may wait a day for an approval: this step waits as long, and a dead worker is seen in 30 s.
  startToCloseTimeout: '48h',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
  summary: 'Wait for the run to end',
});
const { postRunCallback } = proxyActivities<CallbackActivities>({
  ...outgoingDeliveryStep,
  summary: 'POST the signed outcome to the callback URL',
});
const { markCallbackFailed } = proxyLocalActivities<CallbackActivities>({ ...localDbStep, summary: 'Give up' });

/** run-callback:<workflowId>:<url key>: announces one run's end to one URL, once it has ended. */
export async function deliverRunCallbackWorkflow(input: RunCallbackRequest): Promise<{ statusCode: number }> {
  const callbackId = workflowInfo().workflowId;
  const body = await awaitRunOutcome(input);
  try {
    return { statusCode: await postRunCallback({ callbackId, url: input.url, body }) };
  } catch (err) {
    await markCallbackFailed({ callbackId, workflowId: input.workflowId, url: input.url });
    const cause = (err as { cause?: unknown }).cause;
    throw cause instanceof ApplicationFailure ? cause : err;
  }
}
