import { defineEntity, p } from '@mikro-orm/core';
import { SEVERITIES } from '../../tenants/entities/index.ts';
import { textId } from '../../platform/db/base-properties.ts';

export const ALERT_TYPES = ['STUCK_CLIENT', 'PAYMENT_BLOCK', 'POOL_EMPTY', 'RUN_STUCK'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * One raised ops alert. At most one open (resolvedAt null) alert per type and
 * resource: a partial unique index enforces it, so concurrent detections cannot duplicate.
 */
const AlertLogSchema = defineEntity({
  name: 'AlertLog',
  tableName: 'alert_log',
  properties: {
    ...textId(),
    createdAt: p.datetime().onCreate(() => new Date()),
    alertType: p.enum(ALERT_TYPES),
    alertKey: p.string(),
    severity: p.enum(SEVERITIES),
    resourceId: p.string(),
    deliveredAt: p.datetime().nullable(),
    channel: p.string(),
    metadata: p.json<Record<string, unknown>>().default('{}'),
    resolvedAt: p.datetime().nullable(),
  },
});

export class AlertLog extends AlertLogSchema.class {}
AlertLogSchema.setClass(AlertLog);
export { AlertLogSchema };
