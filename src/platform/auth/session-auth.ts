import type { Context } from 'koa';

export const SESSION_COOKIE = 'ops_session';
/** Where an operator signs in for a session (the support admin's login page, spec 001); pages redirect here. */
export const OPERATOR_LOGIN_PATH = '/admin/login';
/**
 * Over https the cookie is `__Host-` prefixed: the browser then accepts it only
 * Secure, from this host, for path `/`, so no subdomain or plain-http page can
 * plant or overwrite it. Over http it is the plain name; path `/` either way, so
 * one sign-in serves every module's operator routes.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function setSessionCookie(ctx: Context, token: string | null, expiresAt?: Date): void {
  const common = {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    expires: token ? expiresAt : new Date(0),
    overwrite: true,
  };
  if (ctx.secure) ctx.cookies.set(SECURE_SESSION_COOKIE, token, { ...common, secure: true });
  else ctx.cookies.set(SESSION_COOKIE, token, { ...common, secure: false });
}

/** Over https only the `__Host-` cookie counts: a plain one could have been planted by a subdomain. */
export const readSessionToken = (ctx: Context) =>
  ctx.secure ? ctx.cookies.get(SECURE_SESSION_COOKIE) : ctx.cookies.get(SESSION_COOKIE);
