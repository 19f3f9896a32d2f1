import { workflowId } from '../platform/temporal/workflow-ids.ts';
import { runSearchAttributes } from '../platform/temporal/search-attributes.ts';

// webhook: one delivery of one event to one subscriber, as its own run.

export const DELIVER_WEBHOOK = { operation: 'webhook', workflowType: 'deliverWebhookWorkflow' } as const;

export const WEBHOOK_EVENTS = {
  'order.status_changed': '/webhook/order-status',
  'driver.assigned': '/webhook/driver-assignment',
  'payment.refunded': '/webhook/payment',
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;

export const deliveryWorkflowId = (deliveryId: string) => workflowId(DELIVER_WEBHOOK.operation, deliveryId);

/** A delivery run's labels, whoever starts it (the API, a workflow, the sweep): found and cancelled by them. */
export const deliveryRunAttributes = () =>
  runSearchAttributes({ operation: DELIVER_WEBHOOK.operation, actor: 'system:webhooks' });

export interface DeliverWebhookRequest {
  deliveryId: string;
}

export interface DeliverWebhookResult {
  deliveryId: string;
  attempts: number;
  statusCode: number;
}

export type DeliverWebhookWorkflow = (input: DeliverWebhookRequest) => Promise<DeliverWebhookResult>;

/**
 * The outbox sweep: deliveries recorded by a committed change whose run never
 * started (Temporal was unreachable just then) are started by a schedule.
 */
export const WEBHOOK_SWEEP = { operation: 'webhook-sweep', workflowType: 'sweepWebhookOutboxWorkflow' } as const;
export const webhookSweepScheduleId = (taskQueue: string) => `${WEBHOOK_SWEEP.operation}:${taskQueue}`;
/** A delivery not attempted this long after it was recorded has no run. */
export const UNSTARTED_AFTER_MS = 60_000;

export const WEBHOOK_FAILURES = {
  targetRefused: 'WEBHOOK_TARGET_REFUSED',
  gone: 'WEBHOOK_DELIVERY_NOT_FOUND',
} as const;
