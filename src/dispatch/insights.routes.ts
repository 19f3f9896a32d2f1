import { z } from 'zod';
import { cursorParam, pageLimit } from '../platform/db/keyset.ts';
import type { ModuleRouter } from '../platform/http/route.ts';
import type { DispatchRouteDeps } from './dispatch.routes.ts';
import { analyticsQuery } from './dispatch.schemas.ts';
import { operationParams } from './orders.schemas.ts';
import { DELIVERY_STATUSES } from './entities/webhook-delivery.entity.ts';

const auditParams = z.object({
  entity: z.enum(['order', 'driver', 'payment', 'pricing_config']),
  id: z.string().min(1).max(200),
});

export function addInsightRoutes(r: ModuleRouter, d: DispatchRouteDeps) {
  const { auth, standard } = d;
  r.route({
    method: 'get',
    path: '/analytics/summary',
    summary: 'Revenue, bookings, drivers, performance and areas from maintained aggregates',
    auth,
    access: 'viewer',
    before: [d.analytics],
    input: { query: analyticsQuery },
    handler: async ({ query }) => ({ body: await d.insightsOf.analytics.summary(query.range) }),
  });
  r.route({
    method: 'get',
    path: '/audit/:entity/:id',
    summary: 'The audit trail of one order (by code), driver, payment or pricing version (zone:vN)',
    auth,
    access: 'viewer',
    before: [standard],
    input: { params: auditParams, query: z.object({ limit: pageLimit(500, 100) }) },
    handler: async ({ params, query }) => ({
      body: await d.insightsOf.insights.auditTrail(params.entity, params.id, query.limit),
    }),
  });
  r.route({
    method: 'get',
    path: '/webhooks/deliveries',
    summary: 'Outgoing webhook deliveries, newest first, with every attempt',
    auth,
    access: 'viewer',
    before: [standard],
    input: {
      query: z.object({
        limit: pageLimit(200, 50),
        cursor: cursorParam.optional(),
        status: z.enum(DELIVERY_STATUSES).optional(),
      }),
    },
    handler: async ({ query }) => ({ body: await d.insightsOf.insights.deliveries(query) }),
  });
  r.route({
    method: 'get',
    path: '/dispatch/operations/:workflowId',
    summary: 'Status and result of an assign, refund or webhook run',
    auth,
    access: 'viewer',
    before: [standard],
    input: { params: operationParams },
    handler: async ({ params }) => ({ body: await d.insightsOf.insights.operation(params.workflowId) }),
  });
}
