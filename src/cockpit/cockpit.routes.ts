import { auditContextFrom } from '../platform/audit/audit.ts';
import type { OperatorKeyAuthenticator } from '../platform/auth/api-keys.ts';
import { operatorKeyAuth } from '../platform/auth/bearer.ts';
import type { Refusals } from '../platform/auth/refusals.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import { ok } from './cockpit.presenter.ts';
import * as s from './cockpit.schemas.ts';
import type { CockpitService } from './cockpit.service.ts';

export const COCKPIT_PREFIX = '/api/admin';

/** Spec 000, Operator Cockpit. Every route requires an operator API key. */
export function createCockpitRoutes(deps: {
  service: CockpitService;
  authenticate: OperatorKeyAuthenticator;
  refusals: Refusals;
  openapi: OpenApiRegistry;
}): MountedModule {
  const auth = operatorKeyAuth(deps.authenticate, deps.refusals);
  const svc = deps.service;
  const r = new ModuleRouter({ prefix: COCKPIT_PREFIX, tag: 'cockpit', registry: deps.openapi });

  r.route({
    method: 'get',
    path: '/alerts',
    summary: 'Recent ops alerts, newest first (keyset paged)',
    auth,
    input: { query: s.alertsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listAlerts(query)) }),
  });
  r.route({
    method: 'get',
    path: '/stuck-clients',
    summary: 'Clients detected as stuck in onboarding, with their open alert',
    auth,
    input: { query: s.stuckClientsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listStuckClients(query)) }),
  });
  r.route({
    method: 'get',
    path: '/clients',
    summary: 'All clients, newest first (keyset paged)',
    auth,
    input: { query: s.clientsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listClients(query)) }),
  });
  r.route({
    method: 'get',
    path: '/clients/:id',
    summary: 'One client with its onboarding state',
    auth,
    input: { params: s.clientParams },
    handler: async ({ params }) => ({ body: ok(await svc.getClient(params.id)) }),
  });
  r.route({
    method: 'patch',
    path: '/clients/:id/mute-alerts',
    summary: 'Mute or unmute ops alerts for a client',
    auth,
    input: { params: s.clientParams, body: s.muteAlertsBody },
    handler: async ({ params, body }, ctx) => ({
      body: ok(await svc.setAlertsMuted(params.id, body.muted, auditContextFrom(ctx))),
    }),
  });
  r.route({
    method: 'patch',
    path: '/clients/:id/reset-payment-alert',
    summary: 'Clear payment gate alert suppression',
    auth,
    input: { params: s.clientParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => ({ body: ok(await svc.resetPaymentAlert(params.id, auditContextFrom(ctx))) }),
  });
  r.route({
    method: 'patch',
    path: '/clients/:id/reset-stuck',
    summary: 'Clear stuck detection on the onboarding state',
    auth,
    input: { params: s.clientParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => ({ body: ok(await svc.resetStuck(params.id, auditContextFrom(ctx))) }),
  });
  r.route({
    method: 'delete',
    path: '/clients/:id',
    summary: 'PERMANENTLY delete a client and all its data (workflow client-delete:<id>:<incarnation>)',
    auth,
    input: { params: s.clientParams, body: s.deleteClientBody },
    handler: async ({ params, body }, ctx) => {
      const outcome = await svc.deleteClient(params.id, body.confirmBusinessName, auditContextFrom(ctx));
      ctx.state.workflowId = outcome.workflowId;
      if (outcome.state === 'running') {
        const statusUrl = `${COCKPIT_PREFIX}/operations/${encodeURIComponent(outcome.workflowId)}`;
        return {
          status: 202,
          headers: { Location: statusUrl },
          body: ok({ deleted: false, status: 'RUNNING', workflowId: outcome.workflowId, statusUrl }),
        };
      }
      const { log } = outcome;
      return { body: ok({ deleted: true, clientId: log.clientId, businessName: log.businessName, deletionLog: log }) };
    },
  });
  r.route({
    method: 'get',
    path: '/operations/:workflowId',
    summary: 'Status and result of a cockpit workflow run',
    auth,
    input: { params: s.operationParams },
    handler: async ({ params }) => ({ body: ok(await svc.getOperation(params.workflowId)) }),
  });

  return { prefix: COCKPIT_PREFIX, envelope: 'cockpit', router: r.router };
}
