import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import pg from 'pg';
import { AppError } from '../http/errors.ts';

const PgPool = pg.Pool;

export interface RateDecision {
  headers: Record<string, string>;
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
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      });
      limiters.set(points, l);
    }
    return l;
  };

  return async function consume(key: string, perMinute: number): Promise<RateDecision> {
    const headersOf = (res: RateLimiterRes) => ({
      'X-RateLimit-Limit': String(perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
      'X-RateLimit-Reset': String(Math.ceil((Date.now() + res.msBeforeNext) / 1000)),
    });
    try {
      const res = await limiterFor(perMinute).consume(key);
      return { headers: headersOf(res) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError(429, 'RATE_LIMIT_EXCEEDED', 'Too many requests. Please try again later.', undefined,
        { ...headersOf(rejection), 'Retry-After': String(retryAfter) }, { retryAfter });
    }
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** A limiter on its own small pool (the ORM's pool is not exposed to libraries). */
export function openRateLimiter(databaseUrl: string): { rateLimit: RateLimiter; loginThrottle: LoginThrottle; close: () => Promise<void> } {
  const pool = new PgPool({ connectionString: databaseUrl, max: 4 });
  return { rateLimit: createRateLimiter(pool), loginThrottle: createLoginThrottle(pool), close: () => pool.end() };
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
