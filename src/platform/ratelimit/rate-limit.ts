import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import pg from 'pg';
import type { Middleware } from 'koa';
import { AppError } from '../http/errors.ts';
import type { OpsContext } from '../http/state.ts';
import { pgConnection } from '../db/pg-tls.ts';

const PgPool = pg.Pool;

export interface RateDecision {
  headers: Record<string, string>;
}

/** Budgets are per minute, in fixed windows. */
const WINDOW_MS = 60_000;

/** The keyPrefix of the per-minute limiter with a budget of `points` (one limiter per budget size). */
const budgetPrefix = (points: number) => `rl${points}`;

/** The row key rate-limiter-flexible uses for `key` under a budget of `points` (`<keyPrefix>:<key>`). */
export const budgetRowKey = (key: string, points: number) => `${budgetPrefix(points)}:${key}`;

/** X-RateLimit-* headers for a window in which `consumed` of `limit` points are spent. */
export function rateLimitHeaders(limit: number, consumed: number, msBeforeNext: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - consumed)),
    'X-RateLimit-Reset': String(Math.ceil((Date.now() + msBeforeNext) / 1000)),
  };
}

/** A 429 telling when to come back (Retry-After, whole seconds, at least 1). */
function tooMany(code: string, message: string, msBeforeNext: number, headers: Record<string, string> = {}): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(429, code, message, {
    headers: { ...headers, 'Retry-After': String(retryAfter) },
    meta: { retryAfter },
  });
}

export const rateLimited = (limit: number, consumed: number, msBeforeNext: number): AppError =>
  tooMany(
    'RATE_LIMIT_EXCEEDED',
    'Too many requests. Please try again later.',
    msBeforeNext,
    rateLimitHeaders(limit, consumed, msBeforeNext),
  );

/** A fixed-window counter in the shared `rate_limit` table (every API process sees the same counts). */
function pgLimiter(pool: pg.Pool, keyPrefix: string, points: number, durationSeconds: number, insurance = false) {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    keyPrefix,
    points,
    duration: durationSeconds,
    ...(insurance ? { insuranceLimiter: new RateLimiterMemory({ points, duration: durationSeconds }) } : {}),
  });
}

/**
 * One point of a per-minute budget as a CTE (`budget(points, expire)`) over the
 * same table and window as rate-limiter-flexible, so a hot path can spend its
 * point in the statement that does its work: one round trip instead of two.
 */
export const BUDGET_CTE_SQL = `budget as (
      insert into rate_limit (key, points, expire) values (?, 1, ?)
      on conflict (key) do update set
        points = case when rate_limit.expire <= ? then 1 else rate_limit.points + 1 end,
        expire = case when rate_limit.expire <= ? then excluded.expire else rate_limit.expire end
      returning points, expire)`;

/** The parameters of BUDGET_CTE_SQL for one point of `key`'s budget now. */
export function budgetParams(key: string, perMinute: number): unknown[] {
  const now = Date.now();
  return [budgetRowKey(key, perMinute), now + WINDOW_MS, now, now];
}

/**
 * Fixed one-minute windows per key, counted in PostgreSQL so every API process
 * shares one budget. If the store is unreachable, an in-memory limiter with the
 * same budget takes over (rate-limiter-flexible's insurance) instead of failing open.
 */
export function createRateLimiter(pool: pg.Pool) {
  const limiters = new Map<number, RateLimiterPostgres>();
  const limiterFor = (points: number) => {
    let l = limiters.get(points);
    if (!l) {
      l = pgLimiter(pool, budgetPrefix(points), points, WINDOW_MS / 1000, true);
      limiters.set(points, l);
    }
    return l;
  };

  return async function consume(key: string, perMinute: number): Promise<RateDecision> {
    try {
      const res = await limiterFor(perMinute).consume(key);
      return { headers: rateLimitHeaders(perMinute, res.consumedPoints, res.msBeforeNext) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw rateLimited(perMinute, rejection.consumedPoints, rejection.msBeforeNext);
    }
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export interface AuthLimits {
  loginPerAccountAndIp: number;
  loginPerIp: number;
  refusedPerIp: number;
}

const WINDOW_15_MIN = 900;

/**
 * The limiters on their own pg pool (the ORM's pool is not exposed to libraries);
 * the pool also carries the platform's other hot-path statements, which keep
 * their plans as named prepared statements.
 */
export function openRateLimiter(databaseUrl: string, limits: AuthLimits, max = 6) {
  const pool = new PgPool({ ...pgConnection(databaseUrl), max });
  return {
    pool,
    rateLimit: createRateLimiter(pool),
    loginThrottle: createLoginThrottle(pool, {
      perAccountAndIp: limits.loginPerAccountAndIp,
      perIp: limits.loginPerIp,
      windowSeconds: WINDOW_15_MIN,
    }),
    refusalThrottle: createRefusalThrottle(pool, { perIp: limits.refusedPerIp, windowSeconds: WINDOW_15_MIN }),
    close: () => pool.end(),
  };
}

export type Limits = ReturnType<typeof openRateLimiter>;

/**
 * Login attempts, counted before the password is checked: each attempt spends a
 * point per (username, client IP) and per client IP in one atomic upsert each,
 * so parallel guesses cannot slip past the budget. A guesser from one address
 * locks out only that address for that account, and only until the window ends
 * (a bounded back-off, never an indefinite lockout): the real operator signing in
 * from elsewhere is not affected. A success gives the attempt back.
 */
export function createLoginThrottle(
  pool: pg.Pool,
  opts: { perAccountAndIp: number; perIp: number; windowSeconds: number },
) {
  const make = (prefix: string, points: number) => pgLimiter(pool, prefix, points, opts.windowSeconds);
  const byPair = make('login-pair', opts.perAccountAndIp);
  const byIp = make('login-ip', opts.perIp);
  const pairKey = (username: string, ip: string) => `${username.toLowerCase()}|${ip}`;
  const locked = (msBeforeNext: number) =>
    tooMany('TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed login attempts. Try again later.', msBeforeNext);

  return {
    /** Spends the attempt; refuses (429, Retry-After) when this address has no attempts left. */
    async begin(username: string, ip: string): Promise<{ attempt: number }> {
      const results = await Promise.allSettled([byPair.consume(pairKey(username, ip)), byIp.consume(ip)]);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      const other = refused.find((r) => !(r instanceof RateLimiterRes));
      if (other) throw other;
      if (refused.length) throw locked(Math.max(...(refused as RateLimiterRes[]).map((r) => r.msBeforeNext)));
      return { attempt: (results[0] as PromiseFulfilledResult<RateLimiterRes>).value.consumedPoints };
    },
    /** A failed attempt is answered more slowly as failures from this address mount (200 ms each, at most 2 s). */
    async failed(attempt: number): Promise<void> {
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * attempt)));
    },
    /** The account's attempts from this address start again; the address keeps its overall count. */
    async succeeded(username: string, ip: string): Promise<void> {
      await Promise.all([byPair.delete(pairKey(username, ip)), byIp.reward(ip, 1)]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/**
 * Refused credentials (a presented API key that matches nothing) per client IP:
 * past the budget, every further refusal from that address is a 429.
 */
export function createRefusalThrottle(pool: pg.Pool, opts: { perIp: number; windowSeconds: number }) {
  const byIp = pgLimiter(pool, 'refused-key', opts.perIp, opts.windowSeconds);
  return {
    /**
     * Counts one refused credential from `ip`, atomically; past the budget, 429.
     * Only refusals are counted: an accepted credential costs no write.
     */
    async refused(ip: string): Promise<void> {
      try {
        await byIp.consume(ip);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw tooMany(
          'TOO_MANY_FAILED_ATTEMPTS',
          'Too many refused credentials from this address. Try again later.',
          rejection.msBeforeNext,
        );
      }
    },
  };
}

export type RefusalThrottle = ReturnType<typeof createRefusalThrottle>;

/**
 * Middleware spending one point of the principal's per-minute budget named
 * `name` (shared by every API process); past it, 429 with X-RateLimit-* and
 * Retry-After. Runs after the route's authenticator.
 */
export const perPrincipalBudget =
  (rateLimit: RateLimiter, name: string, perMinute: number): Middleware =>
  async (ctx, next) => {
    const p = (ctx as OpsContext).state.principal!;
    const decision = await rateLimit(`${name}:${p.kind}:${p.name}`, perMinute);
    ctx.set(decision.headers);
    await next();
  };
