import { join, resolve } from 'node:path';
import { SEARCH_ATTRIBUTE_NAMES } from '../temporal/search-attributes.ts';
import { assertPortFree, spawnService, stopChild, stopStale, waitForPort, writePidFile } from './processes.ts';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` with our search attributes registered up front. */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort: number | null;
  dataDir: string | null;
  namespace: string;
  log: (m: string) => void;
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
  // One partition per task queue: with a handful of pollers, the default 4
  // partitions make tasks wait for forwarding between partitions (~40 ms a hop).
  args.push(
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
  );
  if (opts.dataDir) args.push('--db-filename', join(resolve(opts.dataDir), 'temporal.sqlite'));
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
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : null,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
    },
  };
}
