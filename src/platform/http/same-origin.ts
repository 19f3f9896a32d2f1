import type { Middleware } from 'koa';
import { AppError } from './errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth beside SameSite=Strict cookies: a state-changing
 * request that a browser marks as cross-site (Sec-Fetch-Site) or that carries a
 * foreign Origin is refused before it reaches a handler.
 */
export function sameOriginOnly(): Middleware {
  return async (ctx, next) => {
    if (!SAFE.has(ctx.method)) {
      const site = ctx.get('sec-fetch-site');
      const origin = ctx.get('origin');
      const crossSite = site !== '' && site !== 'same-origin' && site !== 'none';
      let foreignOrigin = false;
      if (origin) {
        try {
          foreignOrigin = new URL(origin).host !== ctx.host;
        } catch {
          foreignOrigin = true;
        }
      }
      if (crossSite || foreignOrigin)
        throw new AppError(403, 'CROSS_SITE_REQUEST', 'Cross-site requests are not allowed');
    }
    await next();
  };
}
