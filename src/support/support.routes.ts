import type { Context, Middleware } from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import { auditContextFrom } from '../platform/audit/audit.ts';
import { recordRefusal } from '../platform/auth/refusals.ts';
import { OPERATOR_LOGIN_PATH, setSessionCookie } from '../platform/auth/session-auth.ts';
import type { SessionStore } from '../platform/auth/sessions.ts';
import type { Authenticator, OperatorAuthenticator } from '../platform/auth/operator-auth.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { OpsContext } from '../platform/http/state.ts';
import { AppError } from '../platform/http/errors.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import { sameOriginOnly } from '../platform/http/same-origin.ts';
import type { LoginThrottle, RateLimiter } from '../platform/ratelimit/rate-limit.ts';
import * as s from './support.schemas.ts';
import type { SupportService } from './support.service.ts';
import { PAGE_HEADERS, conversationsPage, loginPage } from './support.pages.ts';

export const SUPPORT_PREFIX = '/admin';
export const LOGIN_PATH = OPERATOR_LOGIN_PATH;
export const CUSTOMER_PREFIX = '/api/support';

/** A page unless the caller asks for JSON (Accept), whatever the body's format: a script posting a form gets JSON. */
const wantsHtml = (ctx: Context) => ctx.accepts('html', 'json') === 'html';
const page = (html: string, status = 200) => ({ status, body: html, headers: PAGE_HEADERS });
const done = (message: string) => ({ body: { success: true, message } });

/** Spec 001, the support admin: session login, pages, and the conversations API. */
export function createSupportRoutes(deps: {
  service: SupportService;
  sessions: SessionStore;
  operators: OperatorAuthenticator;
  throttle: LoginThrottle;
  orm: MikroORM;
  openapi: OpenApiRegistry;
}): MountedModule {
  const svc = deps.service;
  // Without credentials, pages and the JSON API alike redirect (302) to the login page (spec 001).
  const auth: Authenticator = deps.operators.guard({ anonymous: { redirect: LOGIN_PATH } });
  const csrf = [sameOriginOnly()];
  const r = new ModuleRouter({ prefix: SUPPORT_PREFIX, tag: 'support', envelope: 'support', registry: deps.openapi });

  r.route({
    method: 'get',
    path: '/login',
    summary: 'Login page',
    access: 'public',
    handler: async () => page(loginPage()),
  });
  r.route({
    method: 'post',
    path: '/login',
    summary: 'Log in (form: username, password); sets an HttpOnly SameSite=Strict session cookie',
    access: 'public',
    before: csrf,
    docs: { body: s.loginForm },
    handler: async (_input, ctx) => {
      const html = wantsHtml(ctx);
      const parsed = s.loginForm.safeParse(ctx.request.body ?? {});
      if (!parsed.success) {
        if (html) return page(loginPage('Enter your username and password.'), 400);
        throw new AppError(400, 'VALIDATION_ERROR', 'username and password are required');
      }
      const { username, password } = parsed.data;
      const { attempt } = await deps.throttle.begin(username, ctx.ip);
      const account = await deps.sessions.verifyCredentials(username, password);
      if (!account) {
        await recordRefusal(deps.orm, ctx, {
          actorId: username,
          action: 'auth.login.failed',
          resourceType: 'operator_account',
          resourceId: username,
          after: { reason: 'invalid username or password', attempt },
        });
        await deps.throttle.failed(attempt);
        if (html) return page(loginPage('Invalid username or password.', username), 401);
        throw new AppError(401, 'INVALID_CREDENTIALS', 'Invalid username or password');
      }
      await deps.throttle.succeeded(username, ctx.ip);
      const session = await deps.sessions.create(account.id, {
        ip: ctx.ip || null,
        userAgent: ctx.get('user-agent').slice(0, 512) || null,
      });
      setSessionCookie(ctx, session.token, session.expiresAt);
      if (html) return { status: 303, body: 'Signed in', headers: { Location: SUPPORT_PREFIX } };
      return {
        body: { success: true, data: { username: account.username, expiresAt: session.expiresAt.toISOString() } },
      };
    },
  });
  r.route({
    method: 'post',
    path: '/logout',
    summary: 'Log out (revokes the session)',
    auth,
    access: 'viewer',
    handler: async (_input, ctx) => {
      if (ctx.state.sessionToken) await deps.sessions.revoke(ctx.state.sessionToken);
      setSessionCookie(ctx, null);
      return { status: 303, body: 'Signed out', headers: { Location: LOGIN_PATH } };
    },
  });
  r.route({
    method: 'get',
    path: '/',
    summary: 'Conversations page',
    auth,
    access: 'viewer',
    input: { query: s.conversationsQuery },
    handler: async ({ query }, ctx) => {
      const [list, stats] = await Promise.all([svc.listConversations(query), svc.stats()]);
      return page(conversationsPage(ctx.state.principal!.name, list.conversations, stats, list.nextCursor));
    },
  });
  r.route({
    method: 'get',
    path: '/api/conversations',
    summary: 'Conversations, most recently updated first (keyset paged: nextCursor)',
    auth,
    access: 'viewer',
    input: { query: s.conversationsQuery },
    handler: async ({ query }) => {
      const { conversations, nextCursor } = await svc.listConversations(query);
      return { body: { success: true, data: conversations, nextCursor } };
    },
  });
  r.route({
    method: 'get',
    path: '/api/conversations/:id',
    summary: 'One conversation with its messages and summary',
    auth,
    access: 'viewer',
    input: { params: s.conversationParams },
    handler: async ({ params }) => ({ body: { success: true, data: await svc.getConversation(params.id) } }),
  });
  r.route({
    method: 'get',
    path: '/api/stats',
    summary: 'Totals of conversations and messages',
    auth,
    access: 'viewer',
    handler: async () => ({ body: { success: true, data: await svc.stats() } }),
  });
  r.route({
    method: 'put',
    path: '/api/conversations/:id',
    summary: 'Change customerName and/or channel',
    auth,
    access: 'operator',
    input: { params: s.conversationParams, body: s.updateConversationBody },
    handler: async ({ params, body }, ctx) => {
      await svc.updateConversation(params.id, body, auditContextFrom(ctx));
      return done('Conversation updated successfully');
    },
  });
  r.route({
    method: 'post',
    path: '/api/conversations/:id/kill',
    summary: 'Close a conversation to new customer messages',
    auth,
    access: 'operator',
    input: { params: s.conversationParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => {
      await svc.kill(params.id, auditContextFrom(ctx));
      return done('Conversation killed successfully');
    },
  });
  r.route({
    method: 'post',
    path: '/api/conversations/:id/reactivate',
    summary: 'Open a killed conversation again',
    auth,
    access: 'operator',
    input: { params: s.conversationParams, body: s.emptyBody },
    handler: async ({ params }, ctx) => {
      await svc.reactivate(params.id, auditContextFrom(ctx));
      return done('Conversation reactivated successfully');
    },
  });
  return r.mounted();
}

/** The customer channel: start a conversation, send messages with its token. */
export function createCustomerRoutes(deps: {
  service: SupportService;
  rateLimit: RateLimiter;
  openapi: OpenApiRegistry;
}): MountedModule {
  const r = new ModuleRouter({
    prefix: CUSTOMER_PREFIX,
    tag: 'support-customer',
    envelope: 'customer',
    registry: deps.openapi,
  });
  // The public side is open to the internet: each client IP gets a budget per minute.
  const perIp =
    (name: string, perMinute: number): Middleware =>
    async (ctx, next) => {
      ctx.set((await deps.rateLimit(`${name}:${ctx.ip}`, perMinute)).headers);
      await next();
    };
  // The token is checked against the conversation in the service: a killed
  // conversation answers 403 whether or not one is sent (spec 001).
  const conversationToken: Authenticator = {
    middleware: async (ctx, next) => {
      ctx.state.conversationToken = ctx.get('x-conversation-token') || undefined;
      await next();
    },
    schemes: ['conversationToken'],
  };
  r.route({
    method: 'post',
    path: '/conversations',
    summary: 'Start a conversation for a tenant; returns its token once',
    access: 'public',
    before: [perIp('support-start', 30)],
    input: { body: s.startConversationBody },
    handler: async ({ body }) => ({ status: 201, body: await deps.service.startConversation(body) }),
  });
  r.route({
    method: 'post',
    path: '/conversations/:id/messages',
    summary: 'A customer message; 403 when the conversation is killed',
    access: 'public',
    auth: conversationToken,
    before: [perIp('support-message', 120)],
    input: { params: s.conversationParams, body: s.customerMessageBody },
    handler: async ({ params, body }, ctx) => ({
      status: 201,
      body: await deps.service.addCustomerMessage(
        params.id,
        (ctx as OpsContext<{ conversationToken?: string }>).state.conversationToken,
        body,
      ),
    }),
  });
  return r.mounted();
}
