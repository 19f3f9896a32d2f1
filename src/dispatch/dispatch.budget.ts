import type { Middleware } from 'koa';
import type { OpsContext } from '../platform/http/state.ts';
import type { RateLimiter } from '../platform/ratelimit/rate-limit.ts';

/** Spec 002 §7: per admin and minute, counted in PostgreSQL so every API process shares the budget. */
export const DISPATCH_RATE_LIMITS = { standard: 100, analytics: 20, bulk: 10 } as const;
export type DispatchBudget = keyof typeof DISPATCH_RATE_LIMITS;

/** Spends one point of the caller's budget of this class; past it, 429 with X-RateLimit-* and Retry-After. */
export const perAdminBudget =
  (rateLimit: RateLimiter, budget: DispatchBudget, limits: Record<DispatchBudget, number>): Middleware =>
  async (ctx, next) => {
    const p = (ctx as OpsContext).state.principal!;
    const decision = await rateLimit(`dispatch:${budget}:${p.kind}:${p.name}`, limits[budget]);
    ctx.set(decision.headers);
    await next();
  };
