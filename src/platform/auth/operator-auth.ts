import type { Context, Middleware } from 'koa';
import { unauthorized } from '../http/errors.ts';
import { sameOriginOnly } from '../http/same-origin.ts';
import type { OperatorKeyAuthenticator } from './api-keys.ts';
import type { Refusals } from './refusals.ts';
import type { SessionStore } from './sessions.ts';
import { readSessionToken, setSessionCookie } from './session-auth.ts';

export interface Authenticator {
  middleware: Middleware;
  /** OpenAPI security scheme names any of which the route accepts. */
  schemes: string[];
}

/**
 * One operator identity for every module: a bearer operator key or the session
 * cookie from /admin/login both resolve to the same kind of principal (name, role).
 * A request that sends a key is judged by the key alone; a cookie-authenticated
 * change must come from this site (CSRF), a key-authenticated one needs no such check.
 */
export function createOperatorAuthenticator(deps: {
  keys: OperatorKeyAuthenticator;
  sessions: SessionStore;
  refusals: Refusals;
}) {
  const csrf = sameOriginOnly();

  async function fromKey(ctx: Context, header: string): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('Unsupported Authorization scheme (use Authorization: Bearer <operator key>)');
    const principal = await deps.keys(match[1]);
    if (!principal) {
      await deps.refusals.refused(ctx, 'operatorKey', match[1], 'invalid, expired or revoked operator API key');
      throw unauthorized('Invalid, expired or revoked operator API key');
    }
    ctx.state.principal = principal;
  }

  return {
    /**
     * The guard of an operator route. Without any credential: 401, or a redirect
     * to the login page for routes a browser opens (spec 001's 302).
     */
    guard(opts: { anonymous: 'unauthorized' | { redirect: string } } = { anonymous: 'unauthorized' }): Authenticator {
      const middleware: Middleware = async (ctx, next) => {
        const header = ctx.get('authorization');
        if (header) {
          await fromKey(ctx, header);
          return next();
        }
        const token = readSessionToken(ctx);
        const principal = token ? await deps.sessions.resolve(token) : null;
        if (!principal) {
          if (token) setSessionCookie(ctx, null);
          if (opts.anonymous !== 'unauthorized') {
            ctx.redirect(opts.anonymous.redirect); // 302
            ctx.body = { success: false, error: 'Authentication required' };
            return;
          }
          throw unauthorized(
            'Authentication required: Authorization: Bearer <operator key>, or sign in at /admin/login',
          );
        }
        ctx.state.principal = principal;
        ctx.state.sessionToken = token;
        await csrf(ctx, next);
      };
      return { middleware, schemes: ['operatorKey', 'sessionCookie'] };
    },
  };
}

export type OperatorAuthenticator = ReturnType<typeof createOperatorAuthenticator>;
