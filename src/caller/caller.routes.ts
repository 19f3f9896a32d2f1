import type { Context, Middleware } from 'koa';
import { actorLabel, auditContextFrom } from '../platform/audit/audit.ts';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import { validationError } from '../platform/http/errors.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { OpsContext } from '../platform/http/state.ts';
import type { CallService, MakeCallOutcome } from './calls.service.ts';
import type { ClientService } from './clients.service.ts';
import type { StatsService } from './stats.service.ts';
import type { CallerState } from './caller-auth.ts';
import { CALLER_ADMIN_PREFIX, CALLER_SECURE_PREFIX, CALLER_TWILIO_PREFIX } from './caller.paths.ts';
import * as s from './caller.schemas.ts';

export interface CallerRouteDeps {
  /** The outbound-call budget per caller and minute. */
  callBudget: Middleware;
  admin: Authenticator;
  client: Authenticator;
  clients: ClientService;
  calls: CallService;
  stats: StatsService;
  openapi: OpenApiRegistry;
}

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/** The make-call key: the caller's Idempotency-Key, or the request id; scoped to the caller by the run ID. */
function callKey(ctx: Context): string {
  const given = ctx.get('idempotency-key');
  if (given && !KEY.test(given))
    throw validationError([{ field: 'headers.Idempotency-Key', message: 'must be 1-128 of A-Za-z0-9._:-' }]);
  return given || (ctx as OpsContext).state.requestId;
}

function answerCall(out: MakeCallOutcome, ctx: Context) {
  (ctx as OpsContext).state.workflowId = out.workflowId;
  if (out.state === 'running')
    return {
      status: 202,
      headers: { Location: out.statusUrl },
      body: { success: true, message: 'Call is being placed', workflowId: out.workflowId, statusUrl: out.statusUrl },
    };
  return {
    body: {
      success: true,
      message: 'Call initiated successfully',
      callSid: out.placement.callSid,
      requestId: out.placement.requestId,
    },
  };
}

const caller = (ctx: Context) => actorLabel(auditContextFrom(ctx));

/**
 * Spec 003's admin routes: admin JWTs only (support's session cookie and
 * operator keys do not open them). Reads viewer, changes operator, deleting a
 * client and resetting its secret admin.
 */
export function createCallerAdminRoutes(d: CallerRouteDeps): MountedModule {
  const r = new ModuleRouter({ prefix: CALLER_ADMIN_PREFIX, tag: 'caller', envelope: 'caller', registry: d.openapi });
  const auth = d.admin;
  r.route({
    method: 'post',
    path: '/clients',
    summary: 'Create a client (its secret is answered once, as clientSecret)',
    auth,
    access: 'operator',
    input: { body: s.createClientBody },
    handler: async ({ body }, ctx) => ({
      status: 201,
      body: { message: 'Client created successfully', client: await d.clients.create(body, auditContextFrom(ctx)) },
    }),
  });
  r.route({
    method: 'get',
    path: '/clients',
    summary: 'Clients, newest first (limit/offset, or a keyset cursor)',
    auth,
    access: 'viewer',
    input: { query: s.clientsQuery },
    handler: async ({ query }) => ({ body: await d.clients.list(query) }),
  });
  r.route({
    method: 'get',
    path: '/clients/:clientId',
    summary: 'One client (?include=calls adds its 20 latest calls)',
    auth,
    access: 'viewer',
    input: { params: s.clientIdParams, query: s.includeQuery },
    handler: async ({ params, query }) => ({
      body: await d.clients.get(params.clientId, { withCalls: query.include === 'calls' }),
    }),
  });
  r.route({
    method: 'put',
    path: '/clients/:clientId',
    summary: 'Update a client',
    auth,
    access: 'operator',
    input: { params: s.clientIdParams, body: s.adminUpdateClientBody },
    handler: async ({ params, body }, ctx) => ({
      body: {
        message: 'Client updated successfully',
        client: await d.clients.update(params.clientId, body, auditContextFrom(ctx)),
      },
    }),
  });
  r.route({
    method: 'delete',
    path: '/clients/:clientId',
    summary: 'Delete a client and all its calls (one transaction)',
    auth,
    access: 'admin',
    input: { params: s.clientIdParams },
    handler: async ({ params }, ctx) => {
      await d.clients.remove(params.clientId, auditContextFrom(ctx));
      return { body: { message: 'Client deleted successfully' } };
    },
  });
  r.route({
    method: 'post',
    path: '/clients/:clientId/reset-secret',
    summary: "Reset a client's secret (answered once); its existing tokens stop working",
    auth,
    access: 'admin',
    input: { params: s.clientIdParams },
    handler: async ({ params }, ctx) => ({
      body: {
        message: 'Client secret reset successfully',
        client: await d.clients.resetSecret(params.clientId, auditContextFrom(ctx)),
      },
    }),
  });
  r.route({
    method: 'get',
    path: '/clients/:clientId/calls',
    summary: "A client's call history, newest first (limit/offset, or a keyset cursor)",
    auth,
    access: 'viewer',
    input: { params: s.clientIdParams, query: s.callsQuery },
    handler: async ({ params, query }) => ({ body: await d.clients.calls(params.clientId, query) }),
  });
  r.route({
    method: 'post',
    path: '/clients/:clientId/calls',
    summary: "Add a call to a client's history",
    auth,
    access: 'operator',
    input: { params: s.clientIdParams, body: s.addCallBody },
    handler: async ({ params, body }, ctx) => ({
      body: {
        message: 'Call added to history successfully',
        callId: await d.clients.addCall(params.clientId, body, auditContextFrom(ctx)),
      },
    }),
  });
  r.route({
    method: 'put',
    path: '/clients/:clientId/calls/:callId',
    summary: 'Update the details of a call',
    auth,
    access: 'operator',
    input: { params: s.callParams, body: s.updateCallBody },
    handler: async ({ params, body }, ctx) => {
      await d.clients.updateCall(params.clientId, params.callId, body, auditContextFrom(ctx));
      return { body: { message: 'Call details updated successfully' } };
    },
  });
  r.route({
    method: 'post',
    path: '/clients/:clientId/make-call',
    summary: 'Place an outbound call for a client (workflow call:<clientId>:<caller>:<key>)',
    auth,
    access: 'operator',
    before: [d.callBudget],
    input: { params: s.clientIdParams, body: s.makeCallBody },
    handler: async ({ params, body }, ctx) =>
      answerCall(await d.calls.makeCall(params.clientId, body, caller(ctx), callKey(ctx), auditContextFrom(ctx)), ctx),
  });
  r.route({
    method: 'get',
    path: '/dashboard',
    summary: 'Clients and calls at a glance (maintained counters)',
    auth,
    access: 'viewer',
    handler: async () => ({ body: await d.stats.dashboard() }),
  });
  r.route({
    method: 'get',
    path: '/activity',
    summary: 'Recent calls across clients',
    auth,
    access: 'viewer',
    input: { query: s.activityQuery },
    handler: async ({ query }) => ({ body: await d.stats.activity(query) }),
  });
  r.route({
    method: 'get',
    path: '/call-operations/:workflowId',
    summary: 'Status of a make-call run that outlived the synchronous bound',
    auth,
    access: 'viewer',
    input: { params: s.operationParams },
    handler: async ({ params }) => ({ body: await d.calls.operation(params.workflowId) }),
  });
  return r.mounted();
}

/** Spec 003's client routes: a client token, and only ever that client's own account and calls. */
export function createCallerSecureRoutes(d: CallerRouteDeps): MountedModule {
  const r = new ModuleRouter({ prefix: CALLER_SECURE_PREFIX, tag: 'caller', envelope: 'caller', registry: d.openapi });
  const auth = d.client;
  const me = (ctx: Context) => (ctx as OpsContext<CallerState>).state.clientId!;
  r.route({
    method: 'get',
    path: '/client',
    summary: 'My account',
    auth,
    access: 'viewer',
    handler: async (_i, ctx) => ({ body: await d.clients.get(me(ctx)) }),
  });
  r.route({
    method: 'put',
    path: '/client',
    summary: 'Update my contact details (email, status, agent and number are the admin’s)',
    auth,
    access: 'operator',
    input: { body: s.clientUpdateSelfBody },
    handler: async ({ body }, ctx) => ({
      body: {
        message: 'Client updated successfully',
        client: await d.clients.update(me(ctx), body, auditContextFrom(ctx)),
      },
    }),
  });
  r.route({
    method: 'get',
    path: '/calls',
    summary: 'My call history',
    auth,
    access: 'viewer',
    input: { query: s.callsQuery },
    handler: async ({ query }, ctx) => ({ body: await d.clients.calls(me(ctx), query) }),
  });
  r.route({
    method: 'get',
    path: '/calls/:callId',
    summary: 'One of my calls (another client’s is not found)',
    auth,
    access: 'viewer',
    input: { params: s.secureCallParams },
    handler: async ({ params }, ctx) => ({ body: await d.clients.call(me(ctx), params.callId) }),
  });
  r.route({
    method: 'post',
    path: '/make-call',
    summary: 'Place an outbound call with my agent',
    auth,
    access: 'operator',
    before: [d.callBudget],
    input: { body: s.makeCallBody },
    handler: async ({ body }, ctx) =>
      answerCall(await d.calls.makeCall(me(ctx), body, caller(ctx), callKey(ctx), auditContextFrom(ctx)), ctx),
  });
  r.route({
    method: 'get',
    path: '/call-operations/:workflowId',
    summary: 'Status of one of my make-call runs that outlived the synchronous bound',
    auth,
    access: 'viewer',
    input: { params: s.operationParams },
    handler: async ({ params }, ctx) => ({ body: await d.calls.operation(params.workflowId, me(ctx)) }),
  });
  r.route({
    method: 'get',
    path: '/call-stats',
    summary: 'My call statistics (maintained counters)',
    auth,
    access: 'viewer',
    handler: async (_i, ctx) => ({ body: await d.stats.clientStats(me(ctx)) }),
  });
  return r.mounted();
}

/** Twilio's status callbacks: public, and refused unless Twilio signed them. */
export function createTwilioCallbackRoutes(d: CallerRouteDeps): MountedModule {
  const r = new ModuleRouter({ prefix: CALLER_TWILIO_PREFIX, tag: 'caller', envelope: 'caller', registry: d.openapi });
  r.route({
    method: 'post',
    path: '/status/:callId',
    summary: 'Twilio call status callback (X-Twilio-Signature checked by the Twilio SDK)',
    access: 'public',
    input: { params: s.secureCallParams },
    handler: async ({ params }, ctx) => {
      const raw = (ctx.request.body ?? {}) as Record<string, unknown>;
      const form = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
      return { body: await d.calls.statusCallback(params.callId, ctx.get('x-twilio-signature'), form) };
    },
  });
  return r.mounted();
}
