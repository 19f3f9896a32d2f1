import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { temporalEndpoint } from '../src/platform/config.ts';
import { connectNative } from '../src/platform/temporal/connection.ts';
import { openProcessBase, runMain } from '../src/platform/process.ts';
import { ensureSearchAttributes } from '../src/platform/temporal/ensure-search-attributes.ts';
import { createActivities } from '../activities/index.ts';
import { operationPolicies } from '../src/platform/module.ts';
import { appEntities, MODULES } from '../src/modules.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The worker process: runs every workflow and activity of the platform on one task queue. */
export async function main(): Promise<void> {
  const { config, logger, orm } = await openProcessBase('ops-worker', appEntities);

  const connection = await connectNative(temporalEndpoint(config));
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const services = { config, orm, logger, client, operations: operationPolicies(MODULES) };
  // Each module's start-up work (the cockpit's alert schedule, the runs index, …), idempotent.
  const stops: (() => Promise<void>)[] = [];
  for (const m of MODULES) {
    const stop = await m.onWorkerStart?.(services);
    if (stop) stops.push(stop);
  }

  const options: WorkerOptions = {
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath,
    activities: createActivities(services),
    // SIGTERM: no new tasks are polled; running activities get this long to finish, then are
    // cancelled and their attempt handed back to Temporal, which retries it on another worker.
    shutdownGraceTime: config.temporal.workerShutdownGraceMs,
  };
  const worker = await Worker.create(options);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  let draining = false;
  const stop = () => {
    if (draining) return;
    draining = true;
    logger.info({ graceMs: config.temporal.workerShutdownGraceMs }, 'worker draining');
    worker.shutdown();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await worker.run();
  for (const stop of stops) await stop();
  await orm.close();
  await connection.close();
}

if (import.meta.main) runMain(main);
