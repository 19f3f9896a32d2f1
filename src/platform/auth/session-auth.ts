import type { Context, Middleware } from 'koa';
import type { SessionStore } from './sessions.ts';

export const SESSION_COOKIE = 'ops_session';
/**
 * Over https the cookie is `__Host-` prefixed: the browser then accepts it only
 * Secure, from this host, for path `/`, so no subdomain or plain-http page can
 * plant or overwrite it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const LOGIN_PATH = '/admin/login';

export function setSessionCookie(ctx: Context, token: string | null, expiresAt?: Date): void {
  const common = {
    httpOnly: true,
    sameSite: 'strict' as const,
    expires: token ? expiresAt : new Date(0),
    overwrite: true,
  };
  if (ctx.secure) ctx.cookies.set(SECURE_SESSION_COOKIE, token, { ...common, secure: true, path: '/' });
  else ctx.cookies.set(SESSION_COOKIE, token, { ...common, secure: false, path: '/admin' });
}

const sessionToken = (ctx: Context) => ctx.cookies.get(SECURE_SESSION_COOKIE) ?? ctx.cookies.get(SESSION_COOKIE);

/**
 * Session cookie authentication for the support admin: without a valid
 * session, pages and the JSON API alike redirect (302) to the login page.
 */
export function sessionAuth(store: SessionStore): { middleware: Middleware; scheme: string } {
  const middleware: Middleware = async (ctx, next) => {
    const token = sessionToken(ctx);
    const principal = token ? await store.resolve(token) : null;
    if (!principal) {
      if (token) setSessionCookie(ctx, null);
      ctx.redirect(LOGIN_PATH); // 302
      ctx.body = { success: false, error: 'Authentication required' };
      return;
    }
    ctx.state.principal = principal;
    ctx.state.sessionToken = token;
    await next();
  };
  return { middleware, scheme: 'sessionCookie' };
}
