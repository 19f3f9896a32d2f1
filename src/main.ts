import { loadConfig, requireDatabaseUrl, temporalAddress, ConfigError } from './platform/config.ts';
import { migrate, openOrm } from './platform/db/orm.ts';
import { connectTemporal } from './platform/temporal/client.ts';
import { createLogger } from './platform/observability/logger.ts';
import { upsertOperatorKey } from './platform/auth/api-keys.ts';
import { buildApi } from './api.ts';

/** The API process: migrate, connect, listen; SIGTERM drains and exits. */
export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, 'ops-api');
  const databaseUrl = requireDatabaseUrl(config);
  const orm = await openOrm(databaseUrl, config.db.poolMax);
  await migrate(orm, databaseUrl);
  if (config.auth.adminApiKey) await upsertOperatorKey(orm.em.fork(), 'env-admin', config.auth.adminApiKey, 'admin');
  const temporal = await connectTemporal({ address: temporalAddress(config), namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue });
  const app = buildApi({ config, orm, temporal, logger });
  const server = app.listen(config.http.port, config.http.host, () => {
    logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
  });
  const shutdown = () => {
    logger.info('API shutting down');
    server.close(async () => {
      await temporal.close();
      await orm.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (import.meta.main) {
  main().catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
