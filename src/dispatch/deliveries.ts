import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from '../platform/observability/logger.ts';
import { DELIVER_WEBHOOK, deliveryRunAttributes, deliveryWorkflowId } from './deliver-webhook.contract.ts';

/**
 * Starts the runs of deliveries recorded by an API-side change (after its
 * commit). A start that fails leaves the delivery row pending: the change is
 * committed and the event is not lost, only late (the outbox sweep starts it).
 */
export async function startDeliveriesFromApi(
  client: Client,
  taskQueue: string,
  deliveryIds: string[],
  logger: Logger,
): Promise<void> {
  for (const deliveryId of deliveryIds) {
    try {
      await client.workflow.start(DELIVER_WEBHOOK.workflowType, {
        workflowId: deliveryWorkflowId(deliveryId),
        taskQueue,
        args: [{ deliveryId }],
        staticSummary: `Webhook delivery ${deliveryId}`,
        typedSearchAttributes: deliveryRunAttributes(),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) continue;
      logger.warn({ err, deliveryId }, 'webhook delivery not started; the outbox sweep will start it');
    }
  }
}
