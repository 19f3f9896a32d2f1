export { deleteClientWorkflow } from './cockpit/delete-client.workflow.ts';
export { detectAlertsWorkflow } from './cockpit/detect-alerts.workflow.ts';
export { opsExecuteWorkflow } from './control/ops-execute.workflow.ts';
export { assignDriverWorkflow } from './dispatch/assign-driver.workflow.ts';
export { refundPaymentWorkflow } from './dispatch/refund-payment.workflow.ts';
export { deliverWebhookWorkflow } from './dispatch/deliver-webhook.workflow.ts';
export { sweepWebhookOutboxWorkflow } from './dispatch/sweep-webhook-outbox.workflow.ts';
export { placeOutboundCall } from './caller/place-outbound-call.workflow.ts';
