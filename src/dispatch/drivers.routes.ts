import { auditContextFrom } from '../platform/audit/audit.ts';
import type { ModuleRouter } from '../platform/http/route.ts';
import type { DispatchRouteDeps } from './dispatch.routes.ts';
import * as s from './dispatch.schemas.ts';

export function addDriverRoutes(r: ModuleRouter, d: DispatchRouteDeps) {
  const { auth, standard } = d;
  r.route({
    method: 'get',
    path: '/drivers/applications',
    summary: 'Driver applications with documents, vehicles and checks',
    auth,
    access: 'viewer',
    before: [standard],
    input: { query: s.applicationsQuery },
    handler: async ({ query }) => ({ body: await d.drivers.applications(query) }),
  });
  r.route({
    method: 'post',
    path: '/drivers/:id/approve',
    summary: 'Approve a driver application (admin)',
    auth,
    access: 'admin',
    before: [standard],
    input: { params: s.idParams, body: s.approveBody },
    handler: async ({ params, body }, ctx) => ({
      body: await d.drivers.approve(params.id, body, auditContextFrom(ctx)),
    }),
  });
  r.route({
    method: 'post',
    path: '/drivers/:id/reject',
    summary: 'Reject a driver application with a reason (admin)',
    auth,
    access: 'admin',
    before: [standard],
    input: { params: s.idParams, body: s.rejectBody },
    handler: async ({ params, body }, ctx) => ({
      body: await d.drivers.reject(params.id, body, auditContextFrom(ctx)),
    }),
  });
  r.route({
    method: 'get',
    path: '/drivers/:id',
    summary: 'One driver with vehicles, checks, documents, ratings, incidents and bookings',
    auth,
    access: 'viewer',
    before: [standard],
    input: { params: s.idParams },
    handler: async ({ params }) => ({ body: await d.drivers.detail(params.id) }),
  });
  r.route({
    method: 'put',
    path: '/drivers/:id',
    summary: 'Change a driver’s status (with a reason) or notes',
    auth,
    access: 'operator',
    before: [standard],
    input: { params: s.idParams, body: s.updateDriverBody },
    handler: async ({ params, body }, ctx) => ({
      body: await d.drivers.update(params.id, body, auditContextFrom(ctx)),
    }),
  });
}
