import { defineEntity, p } from '@mikro-orm/core';
import { textId, createdAt } from '../../platform/db/base-properties.ts';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** One event sent to one subscriber by its own deliverWebhook run; every attempt is a webhook_attempt row. */
const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  properties: {
    ...textId(),
    event: p.string(),
    url: p.string(),
    payload: p.json<unknown>().columnType('json'),
    workflowId: p.string().unique(),
    status: p.enum(DELIVERY_STATUSES),
    attempts: p.integer(),
    ...createdAt(),
    deliveredAt: p.datetime().nullable(),
  },
});
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'webhook_attempt',
  properties: {
    id: p.bigint().primary().autoincrement(),
    deliveryId: p.string(),
    attempt: p.integer(),
    statusCode: p.integer().nullable(),
    error: p.string().nullable(),
    durationMs: p.integer(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export class WebhookAttempt extends WebhookAttemptSchema.class {}
WebhookAttemptSchema.setClass(WebhookAttempt);

export { WebhookDeliverySchema, WebhookAttemptSchema };
