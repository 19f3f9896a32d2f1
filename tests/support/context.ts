import type { Server } from 'node:http';
import request from 'supertest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, temporalEndpoint } from '../../src/platform/config.ts';
import { openAppOrm } from '../../src/modules.ts';
import { connectTemporal, type TemporalHandle } from '../../src/platform/temporal/client.ts';
import { createLogger, type Logger } from '../../src/platform/observability/logger.ts';
import { buildApi } from '../../src/api.ts';
import { openRateLimiter } from '../../src/platform/ratelimit/rate-limit.ts';
import { openNotifications } from '../../src/platform/db/notifications.ts';
import { CALLER_JWT_SECRET, CONTROL_KEYS, testEnv } from './env.ts';

export interface TestContext {
  orm: MikroORM;
  temporal: TemporalHandle;
  server: Server;
  env: ReturnType<typeof testEnv>;
  /** supertest bound to the app, already carrying the operator key. */
  api: {
    get(path: string): request.Test;
    post(path: string): request.Test;
    patch(path: string): request.Test;
    put(path: string): request.Test;
    delete(path: string): request.Test;
  };
  anonymous: ReturnType<typeof request>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The real API (real ORM, real Temporal client) over this jest worker's database. */
export async function createTestContext(
  opts: { taskQueue?: string; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestContext> {
  const env = testEnv();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_TASK_QUEUE: opts.taskQueue ?? env.taskQueue,
    SYNC_WAIT: '30s',
    OPS_KEY_ADMIN: CONTROL_KEYS.admin,
    OPS_KEY_N8N: CONTROL_KEYS.n8n,
    OPS_INTERNAL_SECRET: CONTROL_KEYS.legacy,
    OPS_KEY_READONLY: CONTROL_KEYS.readonly,
    CALLER_JWT_SECRET: CALLER_JWT_SECRET,
    // Every test talks from 127.0.0.1: per-IP auth budgets are set out of the way
    // here, and the tests of those budgets set them back.
    LOGIN_ATTEMPTS_PER_IP: '100000',
    REFUSED_CREDENTIALS_PER_IP: '100000',
    ...opts.env,
  });
  const orm = await openAppOrm(env.databaseUrl, 5);
  const temporal = await connectTemporal({
    endpoint: temporalEndpoint(config),
    namespace: 'default',
    taskQueue: config.temporal.taskQueue,
  });
  const limiter = openRateLimiter(env.databaseUrl, config.auth.limits);
  const logger = opts.logger ?? createLogger(process.env.OPS_TEST_LOG_LEVEL ?? 'silent');
  const notifications = openNotifications(env.databaseUrl, logger);
  const app = buildApi({ config, orm, temporal, logger, limits: limiter, notifications });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const agent = request(server);
  const auth = { Authorization: `Bearer ${env.operatorKey}` };
  return {
    orm,
    temporal,
    server,
    env,
    api: {
      get: (p) => agent.get(p).set(auth),
      post: (p) => agent.post(p).set(auth),
      patch: (p) => agent.patch(p).set(auth),
      put: (p) => agent.put(p).set(auth),
      delete: (p) => agent.delete(p).set(auth),
    },
    anonymous: agent,
    sql: async (query, params = []) => (await orm.em.getConnection().execute(query, params as unknown[])) as any[],
    close: async () => {
      await new Promise((r) => server.close(r));
      await temporal.close().catch(() => {}); // a test may have closed it on purpose
      await limiter.close();
      await notifications.close();
      await orm.close();
    },
  };
}
