import { requireDatabaseUrl, temporalEndpoint } from './platform/config.ts';
import { openProcessBase, runMain } from './platform/process.ts';
import { connectTemporal } from './platform/temporal/client.ts';
import { openRateLimiter } from './platform/ratelimit/rate-limit.ts';
import { openNotifications } from './platform/db/notifications.ts';
import { ensureEnvOperatorKey } from './platform/auth/api-keys.ts';
import { buildApi } from './api.ts';
import { appEntities } from './modules.ts';

/** The API process: migrate, connect, listen; SIGTERM drains and exits. */
export async function main(): Promise<void> {
  const { config, logger, orm } = await openProcessBase('ops-api', appEntities);
  if (config.auth.adminApiKey) await ensureEnvOperatorKey(orm.em.fork(), config.auth.adminApiKey);
  const temporal = await connectTemporal({
    endpoint: temporalEndpoint(config),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
  });
  const limiter = openRateLimiter(requireDatabaseUrl(config), config.auth.limits);
  const notifications = openNotifications(requireDatabaseUrl(config), logger);
  const stopping = new AbortController();
  const app = buildApi({ config, orm, temporal, logger, limits: limiter, notifications, stopping: stopping.signal });
  const server = app.listen(config.http.port, config.http.host, () => {
    logger.info({ url: `http://${config.http.host}:${config.http.port}` }, 'API listening');
  });
  // While draining, every answer closes its connection: a keep-alive client's next request goes elsewhere.
  server.on('request', (_req, res) => {
    if (stopping.signal.aborted) res.setHeader('Connection', 'close');
  });
  // SIGTERM: stop accepting, let requests waiting for a run answer "still running" (the run goes on in
  // Temporal; its status URL is in the answer), finish the answers in flight, then exit.
  const shutdown = () => {
    if (stopping.signal.aborted) return;
    logger.info({ graceMs: config.http.shutdownGraceMs }, 'API draining');
    stopping.abort();
    server.close(async () => {
      await temporal.close();
      await limiter.close();
      await notifications.close();
      await orm.close();
      logger.info('API stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn('API drain bound reached; exiting with answers still in flight');
      process.exit(1);
    }, config.http.shutdownGraceMs).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (import.meta.main) runMain(main);
