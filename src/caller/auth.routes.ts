import type { MikroORM } from '@mikro-orm/postgresql';
import { recordRefusal } from '../platform/auth/refusals.ts';
import type { SessionStore } from '../platform/auth/sessions.ts';
import { AppError } from '../platform/http/errors.ts';
import type { OpenApiRegistry } from '../platform/http/openapi.ts';
import { ModuleRouter } from '../platform/http/route.ts';
import type { LoginThrottle } from '../platform/ratelimit/rate-limit.ts';
import type { MountedModule } from '../platform/http/app.ts';
import type { Audience, TokenClaims, TokenIssuer } from './caller-tokens.ts';
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
  /**
   * One login: spend the attempt (per account and address), check, audit a
   * failure, then issue the token. `verify` answers the token's claims or null.
   */
  async function login(
    ctx: Parameters<typeof recordRefusal>[1],
    who: { throttleKey: string; name: string; resourceType: string },
    verify: () => Promise<TokenClaims | null>,
    audience: Audience,
  ) {
    const { attempt } = await deps.throttle.begin(who.throttleKey, ctx.ip);
    const claims = await verify();
    if (!claims) {
      await recordRefusal(deps.orm, ctx, {
        actorId: who.name,
        action: 'auth.login.failed',
        resourceType: who.resourceType,
        resourceId: who.name,
        after: { reason: 'invalid credentials', attempt },
      });
      await deps.throttle.failed(attempt);
      throw invalid();
    }
    await deps.throttle.succeeded(who.throttleKey, ctx.ip);
    const { token, expiresAt } = await deps.tokens.issue(audience, claims);
    return { body: { token, expiresAt: expiresAt.toISOString() } };
  }

  r.route({
    method: 'post',
    path: '/admin/login',
    summary: 'Operator login for the caller admin API: answers an admin JWT',
    access: 'public',
    input: { body: s.adminLoginBody },
    handler: ({ body }, ctx) =>
      login(
        ctx,
        { throttleKey: body.username, name: body.username, resourceType: 'operator_account' },
        async () => {
          const account = await deps.sessions.verifyCredentials(body.username, body.password);
          return account ? { sub: account.username, pv: account.passwordVersion } : null;
        },
        'admin',
      ),
  });
  r.route({
    method: 'post',
    path: '/login',
    summary: 'Client login (clientId, secret): answers a client JWT',
    access: 'public',
    input: { body: s.clientLoginBody },
    handler: ({ body }, ctx) =>
      login(
        ctx,
        { throttleKey: `client:${body.clientId}`, name: body.clientId, resourceType: 'caller_client' },
        async () => {
          const client = await deps.clients.verifySecret(body.clientId, body.secret);
          return client ? { sub: client.id, sv: client.secretVersion } : null;
        },
        'client',
      ),
  });
  return r.mounted();
}
