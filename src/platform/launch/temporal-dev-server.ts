import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_NAMES } from '../temporal/search-attributes.ts';
import { assertPortFree, spawnService, stopChild, stopStale, waitForPort, writePidFile } from './processes.ts';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  /** The server process (the bench reads its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The dev server's dynamic config as ./ops start, the tests and the bench run it,
 * each value with what it removes (names checked against the server the CLI
 * v1.5.1 embeds, 1.29.1; measured in `./ops bench workflows`).
 */
export const TUNED_DYNAMIC_CONFIG: Record<string, string | number | boolean> = {
  // The transfer-queue reader waits on a 20/s rate limiter before each load: every
  // workflow and activity task dispatch then lands on a 50 ms step. Tasks are
  // persisted before they are read, so a faster reader costs no durability.
  'history.transferProcessorMaxPollRPS': 1000,
  // An activity is handed back with the workflow task that scheduled it, to the
  // worker that ran it: one matching round trip less per activity.
  'system.enableActivityEagerExecution': true,
  // Eager workflow start (already the default): the first workflow task comes back
  // with the start call when the caller runs a worker of that task queue.
  'system.enableEagerWorkflowStart': true,
  // One partition per task queue: with a handful of pollers, the default 4 make
  // tasks wait for forwarding between partitions.
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
  // The CLI re-reads cluster metadata from SQLite on every search-attribute read;
  // our attributes are registered at start, so the cache may be trusted.
  'system.forceSearchAttributesCacheRefreshOnRead': false,
};

/** Starts `temporal server start-dev` with our search attributes registered up front. */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort: number | null;
  dataDir: string | null;
  namespace: string;
  log: (m: string) => void;
  /** `cli-defaults`: the CLI's own settings, for comparison in the bench. */
  settings?: 'tuned' | 'cli-defaults';
}): Promise<DevServer> {
  const pidFile = resolve(opts.dataDir ?? '.data', `temporal-${opts.port}.pid`);
  await stopStale(pidFile, 'Temporal dev server', opts.log, 'start-dev');
  await assertPortFree(opts.port, 'Temporal dev server');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace,
    '--log-level',
    'error',
  ];
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  if (opts.settings !== 'cli-defaults')
    for (const [key, value] of Object.entries(TUNED_DYNAMIC_CONFIG))
      args.push('--dynamic-config-value', `${key}=${value}`);
  if (opts.dataDir) {
    args.push('--db-filename', join(resolve(opts.dataDir), 'temporal.sqlite'));
    // WAL lets readers and the writer work at once (about twice the throughput);
    // synchronous stays FULL, SQLite's default: a committed task survives a power
    // cut. (NORMAL would trade the last transactions before a crash for less fsync.)
    if (opts.settings !== 'cli-defaults') args.push('--sqlite-pragma', 'journal_mode=WAL');
  }
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  const child = spawnService('temporal', args);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  child.once('error', (e) => opts.log(`temporal: ${e.message}`));
  writePidFile(pidFile, child.pid ?? 0);
  try {
    await waitForPort(opts.port, 'Temporal dev server', 60_000, child);
    await waitForFrontend(`127.0.0.1:${opts.port}`, 60_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : null,
    pid: child.pid ?? 0,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
    },
  };
}

/**
 * The port opens a moment before the frontend serves: until then it answers "Frontend is not
 * healthy yet". Waits until it answers GetSystemInfo, so whoever connects next (a worker, a
 * client) connects at the first try.
 */
async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Temporal dev server at ${address} is not healthy: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
