import type { Context, Middleware } from 'koa';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Authenticator } from '../platform/auth/operator-auth.ts';
import { passwordVersion } from '../platform/auth/passwords.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { Refusals } from '../platform/auth/refusals.ts';
import type { Role } from '../platform/auth/roles.ts';
import { unauthorized } from '../platform/http/errors.ts';
import type { Audience, TokenClaims, TokenIssuer } from './caller-tokens.ts';

/** What a client token's principal carries beyond the platform's: the client it is. */
export interface CallerState {
  clientId?: string;
}

const bearer = (ctx: Context) => /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1] ?? null;

/**
 * Bearer JWT authenticators of spec 003. An admin token is an operator's (its
 * role is the account's current one, and a disabled account's tokens stop
 * working); a client token is a client account's and stops working when its
 * secret is reset. A token for the other audience, expired, unsigned (alg none)
 * or signed with another key is refused with 401 and audited as a refusal.
 */
export function createCallerAuth(deps: { orm: MikroORM; tokens: TokenIssuer; refusals: Refusals }) {
  const em = () => deps.orm.em as EntityManager;

  const guard = (
    audience: Audience,
    scheme: string,
    resolve: (claims: TokenClaims, ctx: Context) => Promise<Principal | null>,
  ): Authenticator => {
    const middleware: Middleware = async (ctx, next) => {
      const token = bearer(ctx);
      if (!token) throw unauthorized(`Authentication required: Authorization: Bearer <${audience} token>`);
      const claims = await deps.tokens.verify(audience, token);
      const principal = claims ? await resolve(claims, ctx) : null;
      if (!principal) {
        await deps.refusals.refused(ctx, scheme, token, `invalid, expired or revoked ${audience} token`);
        throw unauthorized(`Invalid, expired or revoked ${audience} token`);
      }
      ctx.state.principal = principal;
      await next();
    };
    return { middleware, schemes: [scheme] };
  };

  return {
    admin: guard('admin', 'callerAdminToken', async (claims) => {
      const [account] = (await em().execute(
        'select id, username, role, password_hash from operator_account where username = ? and disabled_at is null',
        [claims.sub],
      )) as { id: string; username: string; role: Role; password_hash: string }[];
      // A password reset ends the account's tokens, as it ends its sessions.
      if (!account || claims.pv !== passwordVersion(account.password_hash)) return null;
      return { kind: 'operator-token', id: account.id, name: account.username, role: account.role };
    }),
    client: guard('client', 'callerClientToken', async (claims, ctx) => {
      const [client] = (await em().execute('select id from caller_client where id = ? and secret_version = ?', [
        claims.sub,
        claims.sv ?? 0,
      ])) as { id: string }[];
      if (!client) return null;
      (ctx.state as CallerState).clientId = client.id;
      // A client acts on its own account only: every client route is scoped to it, whatever its role says.
      return { kind: 'caller-client', id: client.id, name: client.id, role: 'operator' };
    }),
  };
}

export type CallerAuth = ReturnType<typeof createCallerAuth>;
