import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import {
  DELIVER_WEBHOOK,
  deliveryRunAttributes,
  deliveryWorkflowId,
} from '../../src/dispatch/deliver-webhook.contract.ts';

/**
 * Starts each recorded webhook delivery as its own run, which outlives this one
 * (a slow subscriber never holds up an assignment or a refund). A delivery
 * already started (a replay, the outbox sweep) is left to its run.
 */
export async function startDeliveries(deliveryIds: string[]): Promise<void> {
  for (const deliveryId of deliveryIds) {
    try {
      await startChild(DELIVER_WEBHOOK.workflowType, {
        workflowId: deliveryWorkflowId(deliveryId),
        args: [{ deliveryId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Webhook delivery ${deliveryId}`,
        typedSearchAttributes: deliveryRunAttributes(),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
