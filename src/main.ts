import { requireDatabaseUrl, temporalAddress } from './platform/config.ts';
import { openProcessBase, runMain } from './platform/process.ts';
import { connectTemporal } from './platform/temporal/client.ts';
import { openRateLimiter } from './platform/ratelimit/rate-limit.ts';
import { ensureEnvOperatorKey } from './platform/auth/api-keys.ts';
import { buildApi } from './api.ts';
import { appEntities } from './modules.ts';

/** The API process: migrate, connect, listen; SIGTERM drains and exits. */
export async function main(): Promise<void> {
  const { config, logger, orm } = await openProcessBase('ops-api', appEntities);
  if (config.auth.adminApiKey) await ensureEnvOperatorKey(orm.em.fork(), config.auth.adminApiKey);
  const temporal = await connectTemporal({
    address: temporalAddress(config),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
  });
  const limiter = openRateLimiter(requireDatabaseUrl(config), config.auth.limits);
  const app = buildApi({ config, orm, temporal, logger, limits: limiter });
  const server = app.listen(config.http.port, config.http.host, () => {
    logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
  });
  const shutdown = () => {
    logger.info('API shutting down');
    server.close(async () => {
      await temporal.close();
      await limiter.close();
      await orm.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (import.meta.main) runMain(main);
