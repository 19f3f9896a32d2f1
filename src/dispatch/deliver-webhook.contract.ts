import { workflowId } from '../platform/temporal/workflow-ids.ts';

// webhook: one delivery of one event to one subscriber, as its own run.

export const DELIVER_WEBHOOK = { operation: 'webhook', workflowType: 'deliverWebhookWorkflow' } as const;

export const WEBHOOK_EVENTS = {
  'order.status_changed': '/webhook/order-status',
  'driver.assigned': '/webhook/driver-assignment',
  'payment.refunded': '/webhook/payment',
} as const;
export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;

export const deliveryWorkflowId = (deliveryId: string) => workflowId(DELIVER_WEBHOOK.operation, deliveryId);

export interface DeliverWebhookRequest {
  deliveryId: string;
}

export interface DeliverWebhookResult {
  deliveryId: string;
  attempts: number;
  statusCode: number;
}

export type DeliverWebhookWorkflow = (input: DeliverWebhookRequest) => Promise<DeliverWebhookResult>;

export const WEBHOOK_FAILURES = {
  targetRefused: 'WEBHOOK_TARGET_REFUSED',
  gone: 'WEBHOOK_DELIVERY_NOT_FOUND',
} as const;
