import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { DispatchActivities } from '../../activities/dispatch/index.ts';
import type { DeliverWebhookRequest, DeliverWebhookResult } from '../../src/dispatch/deliver-webhook.contract.ts';
import { localDbStep, outgoingDeliveryStep } from '../presets.ts';

const { postWebhook } = proxyActivities<DispatchActivities>({
  ...outgoingDeliveryStep,
  summary: 'POST the signed event to the subscriber',
});
const { markDeliveryFailed } = proxyLocalActivities<DispatchActivities>({ ...localDbStep, summary: 'Give up' });

/** webhook:<deliveryId>: one event to one subscriber, retried with backoff; every attempt is recorded. */
export async function deliverWebhookWorkflow(input: DeliverWebhookRequest): Promise<DeliverWebhookResult> {
  try {
    const { statusCode, attempts } = await postWebhook(input);
    return { deliveryId: input.deliveryId, attempts, statusCode };
  } catch (err) {
    // Given up, or cancelled by an operator (the runs API): the delivery is marked failed either way,
    // so neither the outbox sweep nor anyone reading it takes it for one still on its way.
    await CancellationScope.nonCancellable(() => markDeliveryFailed(input));
    if (isCancellation(err)) throw err;
    const cause = (err as { cause?: unknown }).cause;
    throw cause instanceof ApplicationFailure ? cause : err;
  }
}
