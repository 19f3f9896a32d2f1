import type { MikroORM } from '@mikro-orm/postgresql';
import { recordRefusal } from '../platform/auth/refusals.ts';
import type { SessionStore } from '../platform/auth/sessions.ts';
import { AppError } from '../platform/http/errors.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { LoginThrottle } from '../platform/ratelimit/rate-limit.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { TokenIssuer } from './caller-tokens.ts';
import { passwordVersion } from './caller-auth.ts';
import type { ClientService } from './clients.service.ts';
import { CALLER_AUTH_PREFIX } from './caller.paths.ts';
import * as s from './caller.schemas.ts';

const invalid = () => new AppError(401, 'INVALID_CREDENTIALS', 'Invalid credentials');

/**
 * The two logins of spec 003: an operator account (the platform's) for admin
 * tokens, a client id and secret for client tokens. Both spend the login
 * throttle per account and address before checking, and failures are audited.
 */
export function createCallerAuthRoutes(deps: {
  orm: MikroORM;
  sessions: SessionStore;
  throttle: LoginThrottle;
  tokens: TokenIssuer;
  clients: ClientService;
  openapi: OpenApiRegistry;
}): MountedModule {
  const r = new ModuleRouter({ prefix: CALLER_AUTH_PREFIX, tag: 'caller', envelope: 'caller', registry: deps.openapi });
  const refused = (ctx: Parameters<typeof recordRefusal>[1], who: string, resourceType: string, attempt: number) =>
    recordRefusal(deps.orm, ctx, {
      actorId: who,
      action: 'auth.login.failed',
      resourceType,
      resourceId: who,
      after: { reason: 'invalid credentials', attempt },
    });

  r.route({
    method: 'post',
    path: '/admin/login',
    summary: 'Operator login for the caller admin API: answers an admin JWT',
    access: 'public',
    input: { body: s.adminLoginBody },
    handler: async ({ body }, ctx) => {
      const { attempt } = await deps.throttle.begin(body.username, ctx.ip);
      const account = await deps.sessions.verifyCredentials(body.username, body.password);
      if (!account) {
        await refused(ctx, body.username, 'operator_account', attempt);
        await deps.throttle.failed(attempt);
        throw invalid();
      }
      await deps.throttle.succeeded(body.username, ctx.ip);
      const [row] = (await deps.orm.em.execute('select password_hash from operator_account where id = ?', [
        account.id,
      ])) as { password_hash: string }[];
      const { token, expiresAt } = await deps.tokens.issue('admin', {
        sub: account.username,
        pv: passwordVersion(row.password_hash),
      });
      return { body: { token, expiresAt: expiresAt.toISOString() } };
    },
  });
  r.route({
    method: 'post',
    path: '/login',
    summary: 'Client login (clientId, secret): answers a client JWT',
    access: 'public',
    input: { body: s.clientLoginBody },
    handler: async ({ body }, ctx) => {
      const { attempt } = await deps.throttle.begin(`client:${body.clientId}`, ctx.ip);
      const client = await deps.clients.verifySecret(body.clientId, body.secret);
      if (!client) {
        await refused(ctx, body.clientId, 'caller_client', attempt);
        await deps.throttle.failed(attempt);
        throw invalid();
      }
      await deps.throttle.succeeded(`client:${body.clientId}`, ctx.ip);
      const { token, expiresAt } = await deps.tokens.issue('client', { sub: client.id, sv: client.secretVersion });
      return { body: { token, expiresAt: expiresAt.toISOString() } };
    },
  });
  return r.mounted();
}
