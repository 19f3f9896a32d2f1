import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import pg from 'pg';

const PgPool = pg.Pool;
import { AppError } from '../http/errors.ts';

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
export function openRateLimiter(databaseUrl: string): { rateLimit: RateLimiter; close: () => Promise<void> } {
  const pool = new PgPool({ connectionString: databaseUrl, max: 4 });
  return { rateLimit: createRateLimiter(pool), close: () => pool.end() };
}
