import type { Context, Middleware } from 'koa';
import type { SessionStore } from './sessions.ts';

export const SESSION_COOKIE = 'ops_session';
export const LOGIN_PATH = '/admin/login';

export function setSessionCookie(ctx: Context, token: string | null, expiresAt?: Date): void {
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the request came over https, so the cookie never travels in clear.
    secure: ctx.secure,
    path: '/admin',
    expires: token ? expiresAt : new Date(0),
    overwrite: true,
  });
}

/**
 * Session cookie authentication for the support admin: without a valid
 * session, pages and the JSON API alike redirect (302) to the login page.
 */
export function sessionAuth(store: SessionStore): { middleware: Middleware; scheme: string } {
  const middleware: Middleware = async (ctx, next) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
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
