import { auditContextFrom } from '../platform/audit/audit.ts';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import { ok } from './cockpit.presenter.ts';
import * as s from './cockpit.schemas.ts';
import type { CockpitService } from './cockpit.service.ts';
import { approvalUrlOf, runUrlOf } from '../platform/approvals/approval.contract.ts';

export const COCKPIT_PREFIX = '/api/admin';

/**
 * Spec 000, Operator Cockpit. Every route needs an operator (key or session):
 * reads viewer, soft resets operator, the irreversible DELETE admin.
 */
export function createCockpitRoutes(deps: {
  service: CockpitService;
  auth: Authenticator;
  openapi: OpenApiRegistry;
}): MountedModule {
  const { auth } = deps;
  const svc = deps.service;
  const r = new ModuleRouter({ prefix: COCKPIT_PREFIX, tag: 'cockpit', envelope: 'cockpit', registry: deps.openapi });

  r.route({
    method: 'get',
    path: '/alerts',
    summary: 'Recent ops alerts, newest first (keyset paged)',
    auth,
    access: 'viewer',
    input: { query: s.alertsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listAlerts(query)) }),
  });
  r.route({
    method: 'get',
    path: '/stuck-clients',
    summary: 'Clients detected as stuck in onboarding, with their open alert',
    auth,
    access: 'viewer',
    input: { query: s.stuckClientsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listStuckClients(query)) }),
  });
  r.route({
    method: 'get',
    path: '/clients',
    summary: 'All clients, newest first (keyset paged)',
    auth,
    access: 'viewer',
    input: { query: s.clientsQuery },
    handler: async ({ query }) => ({ body: ok(await svc.listClients(query)) }),
  });
  r.route({
    method: 'get',
    path: '/clients/:id',
    summary: 'One client with its onboarding state',
    auth,
    access: 'viewer',
    input: { params: s.clientParams },
    handler: async ({ params }) => ({ body: ok(await svc.getClient(params.id)) }),
  });
  r.route({
    method: 'patch',
    path: '/clients/:id/mute-alerts',
    summary: 'Mute or unmute ops alerts for a client',
    auth,
    access: 'operator',
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
    access: 'operator',
    input: { params: s.clientParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => ({ body: ok(await svc.resetPaymentAlert(params.id, auditContextFrom(ctx))) }),
  });
  r.route({
    method: 'patch',
    path: '/clients/:id/reset-stuck',
    summary: 'Clear stuck detection on the onboarding state',
    auth,
    access: 'operator',
    input: { params: s.clientParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => ({ body: ok(await svc.resetStuck(params.id, auditContextFrom(ctx))) }),
  });
  r.route({
    method: 'delete',
    path: '/clients/:id',
    summary: 'PERMANENTLY delete a client and all its data (workflow client-delete:<id>:<incarnation>)',
    auth,
    access: 'admin',
    input: { params: s.clientParams, body: s.deleteClientBody },
    handler: async ({ params, body }, ctx) => {
      const outcome = await svc.deleteClient(params.id, body, auditContextFrom(ctx));
      ctx.state.workflowId = outcome.workflowId;
      if (outcome.state === 'awaiting_approval') {
        const { workflowId, approval } = outcome;
        const approvalUrl = approvalUrlOf(workflowId);
        return {
          status: 202,
          headers: { Location: approvalUrl },
          body: ok({
            deleted: false,
            status: 'AWAITING_APPROVAL',
            workflowId,
            runUrl: runUrlOf(workflowId),
            approvalUrl,
            plan: approval.plan,
            approvalDeadline: approval.deadline,
          }),
        };
      }
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
    access: 'viewer',
    input: { params: s.operationParams },
    handler: async ({ params }) => ({ body: ok(await svc.getOperation(params.workflowId)) }),
  });

  return r.mounted();
}
