import { auditContextFrom } from '../platform/audit/audit.ts';
import type { ModuleRouter } from '../platform/http/route.ts';
import type { DispatchRouteDeps } from './dispatch.routes.ts';
import * as s from './orders.schemas.ts';

/** 202 for a run still going after the sync bound, with where to follow it. */
export const stillRunning = (o: { workflowId: string; statusUrl: string }) => ({
  status: 202,
  headers: { Location: o.statusUrl },
  body: { status: 'RUNNING', workflowId: o.workflowId, statusUrl: o.statusUrl },
});

export function addOrderRoutes(r: ModuleRouter, d: DispatchRouteDeps) {
  const { auth, standard } = d;
  r.route({
    method: 'get',
    path: '/orders',
    summary: 'Orders, newest first, filtered and keyset paged (q: code, addresses, customer)',
    auth,
    access: 'viewer',
    before: [standard],
    input: { query: s.ordersQuery },
    handler: async ({ query }) => ({ body: await d.orders.list(query) }),
  });
  r.route({
    method: 'get',
    path: '/orders/:code',
    summary: 'One order with its driver, assignment events, messages, tracking and payments',
    auth,
    access: 'viewer',
    before: [standard],
    input: { params: s.orderParams },
    handler: async ({ params }) => ({ body: await d.orders.detail(params.code) }),
  });
  r.route({
    method: 'put',
    path: '/orders/:code',
    summary: 'Update an order (status needs a reason; a driverId books through the assignment run)',
    auth,
    access: 'operator',
    before: [standard],
    input: { params: s.orderParams, body: s.updateOrderBody },
    handler: async ({ params, body }, ctx) => {
      const out = await d.updates.update(params.code, body, auditContextFrom(ctx));
      if (out.state === 'running') return stillRunning(out);
      return { body: out.order };
    },
  });
  r.route({
    method: 'post',
    path: '/orders/:code/assign',
    summary: 'Assign a driver, manually or the best suggestion (workflow assign:<code>:<version>)',
    auth,
    access: 'operator',
    before: [standard],
    input: { params: s.orderParams, body: s.assignBody },
    handler: async ({ params, body }, ctx) => {
      const out = await d.assign.assign(
        params.code,
        { driverId: body.autoAssign ? undefined : body.driverId, reason: body.reason, callbackUrl: body.callbackUrl },
        auditContextFrom(ctx),
      );
      ctx.state.workflowId = out.workflowId;
      if (out.state === 'running') return stillRunning(out);
      const order = await d.orders.summary(params.code);
      return {
        body: {
          id: order.id,
          code: order.code,
          status: order.status,
          driverId: out.result.driverId,
          driver: order.driver,
          customer: order.customer,
          assignmentId: out.result.assignmentId,
          workflowId: out.workflowId,
        },
      };
    },
  });
  r.route({
    method: 'get',
    path: '/orders/:code/assign',
    summary: 'Driver suggestions for an order, scored, with the reasons for each score',
    auth,
    access: 'viewer',
    before: [standard],
    input: { params: s.orderParams },
    handler: async ({ params }) => ({ body: await d.orders.suggestions(params.code) }),
  });
}
