import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import pg from 'pg';
import { AppError } from '../http/errors.ts';

const PgPool = pg.Pool;

export interface RateDecision {
  headers: Record<string, string>;
}

/** Budgets are per minute, in fixed windows. */
const WINDOW_MS = 60_000;

/** The row key rate-limiter-flexible uses for `key` under a budget of `points` (its keyPrefix is `rl<points>`). */
export const budgetRowKey = (key: string, points: number) => `rl${points}:${key}`;

/** X-RateLimit-* headers for a window in which `consumed` of `limit` points are spent. */
export function rateLimitHeaders(limit: number, consumed: number, msBeforeNext: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - consumed)),
    'X-RateLimit-Reset': String(Math.ceil((Date.now() + msBeforeNext) / 1000)),
  };
}

export function rateLimited(limit: number, consumed: number, msBeforeNext: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests. Please try again later.', undefined,
    { ...rateLimitHeaders(limit, consumed, msBeforeNext), 'Retry-After': String(retryAfter) }, { retryAfter });
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
export function budgetCte(key: string, perMinute: number): { params: unknown[] } {
  const now = Date.now();
  return { params: [budgetRowKey(key, perMinute), now + WINDOW_MS, now, now] };
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
      l = new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: 'rate_limit',
        tableCreated: true,
        keyPrefix: `rl${points}`,
        points,
        duration: WINDOW_MS / 1000,
        insuranceLimiter: new RateLimiterMemory({ points, duration: WINDOW_MS / 1000 }),
      });
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

/**
 * The limiters on their own pg pool (the ORM's pool is not exposed to libraries);
 * the pool also carries the platform's other hot-path statements, which keep
 * their plans as named prepared statements.
 */
export function openRateLimiter(databaseUrl: string, max = 6): { pool: pg.Pool; rateLimit: RateLimiter; loginThrottle: LoginThrottle; close: () => Promise<void> } {
  const pool = new PgPool({ connectionString: databaseUrl, max });
  return { pool, rateLimit: createRateLimiter(pool), loginThrottle: createLoginThrottle(pool), close: () => pool.end() };
}

/**
 * Failed logins: each failure costs a point per username and per client IP in a
 * 15-minute window, answers are slowed as failures mount, and past the budget
 * logins for that username (or from that IP) are refused until the window ends.
 */
export function createLoginThrottle(pool: pg.Pool, opts = { perUsername: 5, perIp: 30, windowSeconds: 900 }) {
  const make = (prefix: string, points: number) =>
    new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: 'rate_limit', tableCreated: true, keyPrefix: prefix, points, duration: opts.windowSeconds });
  const byUser = make('login-user', opts.perUsername);
  const byIp = make('login-ip', opts.perIp);
  const locked = (retryAfter: number) =>
    new AppError(429, 'TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed login attempts. Try again later.', undefined, { 'Retry-After': String(retryAfter) }, { retryAfter });

  return {
    async assertAllowed(username: string, ip: string): Promise<void> {
      const [u, i] = await Promise.all([byUser.get(username.toLowerCase()), byIp.get(ip)]);
      const over = [u && u.consumedPoints >= opts.perUsername ? u : null, i && i.consumedPoints >= opts.perIp ? i : null].filter(Boolean) as RateLimiterRes[];
      if (over.length) throw locked(Math.ceil(Math.max(...over.map((r) => r.msBeforeNext)) / 1000));
    },
    async recordFailure(username: string, ip: string): Promise<void> {
      const results = await Promise.allSettled([byUser.penalty(username.toLowerCase(), 1), byIp.penalty(ip, 1)]);
      const failures = results[0].status === 'fulfilled' ? results[0].value.consumedPoints : 1;
      // Slow each further guess: 200 ms per failure so far, at most 2 s.
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * failures)));
    },
    async recordSuccess(username: string): Promise<void> {
      await byUser.delete(username.toLowerCase());
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
