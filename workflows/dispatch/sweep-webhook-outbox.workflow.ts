import { proxyLocalActivities } from '@temporalio/workflow';
import type { DispatchActivities } from '../../activities/dispatch/index.ts';
import { UNSTARTED_AFTER_MS } from '../../src/dispatch/deliver-webhook.contract.ts';
import { localDbStep } from '../presets.ts';
import { startDeliveries } from './start-deliveries.ts';

const { unstartedDeliveries } = proxyLocalActivities<DispatchActivities>({
  ...localDbStep,
  summary: 'Find recorded deliveries that never started',
});

/** Run by the outbox schedule: starts the delivery run of every event recorded but never sent. */
export async function sweepWebhookOutboxWorkflow(): Promise<{ started: number }> {
  const ids = await unstartedDeliveries({ olderThanMs: UNSTARTED_AFTER_MS, limit: 500 });
  await startDeliveries(ids);
  return { started: ids.length };
}
