import type { EntityManager } from '@mikro-orm/postgresql';
import { durableServiceDeps, type ModuleManifest } from '../platform/module.ts';
import { HOUR, MINUTE } from '../platform/time.ts';
import { createDispatchActivities } from '../../activities/dispatch/index.ts';
import { ASSIGN_DRIVER } from './assign-driver.contract.ts';
import { REFUND_PAYMENT } from './refund-payment.contract.ts';
import { DELIVER_WEBHOOK, WEBHOOK_SWEEP } from './deliver-webhook.contract.ts';
import { ensureOutboxSweepSchedule } from './outbox-schedule.ts';
import { createAnalyticsService } from './analytics.service.ts';
import { createAssignService } from './assign.service.ts';
import { createDriverService } from './drivers.service.ts';
import { createInsightsService } from './insights.service.ts';
import { createOrderUpdates } from './order-update.service.ts';
import { createOrderReads } from './orders.service.ts';
import { ORDER_SEARCH_STATISTICS } from './orders.queries.ts';
import { commonTrigrams } from '../platform/db/trigram-search.ts';
import { createPricingService } from './pricing.service.ts';
import { createRefundService } from './refunds.service.ts';
import { createDispatchRoutes } from './dispatch.routes.ts';
import { DISPATCH_RATE_LIMITS } from './dispatch.budget.ts';
import { perPrincipalBudget } from '../platform/ratelimit/rate-limit.ts';
import { dispatchEnvelope } from './dispatch.envelope.ts';
import { seedDispatchDemo } from './demo-seed.ts';
import * as e from './entities/index.ts';

/** Spec 002, Speedy Van dispatch: orders, drivers, assignment and refunds as durable runs, pricing, analytics. */
export const dispatchModule: ModuleManifest = {
  name: 'dispatch',
  entities: [
    e.DispatchCustomerSchema,
    e.DriverSchema,
    e.DriverVehicleSchema,
    e.DriverDocumentSchema,
    e.DriverRatingSchema,
    e.DriverIncidentSchema,
    e.DispatchOrderSchema,
    e.DispatchAssignmentSchema,
    e.AssignmentEventSchema,
    e.OrderMessageSchema,
    e.TrackingPingSchema,
    e.DispatchPaymentSchema,
    e.DispatchRefundSchema,
    e.PricingConfigSchema,
    e.WebhookDeliverySchema,
    e.WebhookAttemptSchema,
  ],
  routes: (p) => {
    const durable = durableServiceDeps(p);
    const em = () => p.orm.em as EntityManager;
    const orders = createOrderReads({ em, commonTrigrams: commonTrigrams(em, ORDER_SEARCH_STATISTICS) });
    const assign = createAssignService({ ...durable, callbacks: p.config.callbacks });
    const webhookUrls = p.config.dispatch.webhookUrls;
    return [
      createDispatchRoutes({
        auth: p.operators.guard(),
        standard: perPrincipalBudget(p.limits.rateLimit, 'dispatch:standard', p.config.dispatch.rateLimits.standard),
        analytics: perPrincipalBudget(p.limits.rateLimit, 'dispatch:analytics', p.config.dispatch.rateLimits.analytics),
        orders,
        assign,
        updates: createOrderUpdates({ ...durable, assign, reads: orders, webhookUrls }),
        refunds: createRefundService({ ...durable, approvals: p.config.approvals, callbacks: p.config.callbacks }),
        drivers: createDriverService(p),
        pricing: createPricingService(p),
        insightsOf: {
          analytics: createAnalyticsService(p),
          insights: createInsightsService({ orm: p.orm, temporal: p.temporal.client }),
        },
        openapi: p.openapi,
      }),
    ];
  },
  activities: (w) => createDispatchActivities(w),
  workflows: [
    ASSIGN_DRIVER.workflowType,
    REFUND_PAYMENT.workflowType,
    DELIVER_WEBHOOK.workflowType,
    WEBHOOK_SWEEP.workflowType,
  ],
  operations: {
    // Refunds and assignments are neither stopped nor retried from the console: each is one step that
    // must finish (their own endpoints undo them), and a refund run again would be a new Stripe request.
    [ASSIGN_DRIVER.operation]: { slaMs: MINUTE * 2 },
    [REFUND_PAYMENT.operation]: { approvable: true, slaMs: MINUTE * 15 },
    // A delivery retrying against a dead subscriber may be stopped: it is then marked failed.
    [DELIVER_WEBHOOK.operation]: { cancellable: true, slaMs: HOUR },
    [WEBHOOK_SWEEP.operation]: { slaMs: MINUTE * 10 },
  },
  demoSeed: seedDispatchDemo,
  // spec 002: { error: 'Unauthorized' | 'Insufficient permissions' | 'Resource not found' | 'Validation error',
  // details? }
  envelopes: { dispatch: dispatchEnvelope },
  rateLimits: DISPATCH_RATE_LIMITS,
  onWorkerStart: async ({ client, config }) => {
    await ensureOutboxSweepSchedule(client, {
      taskQueue: config.temporal.taskQueue,
      everyMs: config.dispatch.outboxSweepEveryMs,
    });
  },
};
