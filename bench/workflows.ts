import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { startTemporalDevServer, type DevServer } from '../src/platform/launch/temporal-dev-server.ts';
import { freePort } from '../src/platform/launch/free-port.ts';
import { floorActivities } from './floor.activities.ts';
import { fmt } from './stats.ts';

/**
 * `./ops bench workflows`, part one: the engine's floor on this machine. Bare
 * workflows (1 activity, 4 activities, 4 local activities) on the dev server as
 * the launcher starts it and on one with the CLI's defaults, with and without
 * eager workflow start, then throughput with 50 concurrent starters and the CPU
 * time each workflow costs in Node and in the server.
 */
const N = Number(process.env.BENCH_WF_N ?? 200);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_WF_SECONDS ?? 20);
const STARTERS = 50;
const log = (m: string) => console.error(`[bench] ${m}`);
const floorPath = fileURLToPath(new URL('./floor.workflow.ts', import.meta.url));

export interface Percentiles {
  p50: number;
  p90: number;
}
const pct = (samples: number[]): Percentiles => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)], p90: s[Math.floor(s.length * 0.9)] };
};

/** CPU milliseconds (user + system) a process has used, from /proc. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export interface EngineFloor {
  server: DevServer;
  connection: NativeConnection;
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A dev server with a floor worker in this process: file-backed as ./ops start
 * runs it, or in memory as the tests run it (no fsync per commit).
 */
export async function startEngine(
  settings: 'tuned' | 'cli-defaults',
  storage: 'file' | 'memory' = 'file',
): Promise<EngineFloor> {
  const dataDir = mkdtempSync(join(tmpdir(), `ops-bench-temporal-${settings}-`));
  const server = await startTemporalDevServer({
    port: await freePort(),
    uiPort: null,
    dataDir: storage === 'file' ? dataDir : null,
    namespace: 'default',
    log,
    settings,
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-floor-${settings}-${storage}`;
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: floorPath, activities: floorActivities });
  const running = worker.run();
  // A client on the worker's own connection may ask for eager start.
  const client = new Client({ connection });
  return {
    server,
    connection,
    client,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function sequential(e: EngineFloor, type: string, eager: boolean, n = N): Promise<Percentiles> {
  const samples: number[] = [];
  for (let i = 0; i < n + 10; i++) {
    const t0 = performance.now();
    const handle = await e.client.workflow.start(type, {
      workflowId: `bench-${type}-${eager}-${i}-${Date.now()}`,
      taskQueue: e.taskQueue,
      requestEagerStart: eager,
    });
    await handle.result();
    if (i >= 10) samples.push(performance.now() - t0);
  }
  return pct(samples);
}

/** 50 starters for `seconds`: workflows per second, and CPU ms per workflow in Node and in the server. */
export async function throughput(e: EngineFloor, eager: boolean, seconds = THROUGHPUT_SECONDS) {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const node0 = process.cpuUsage();
  const server0 = cpuMsOf(e.server.pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: STARTERS }, async (_, s) => {
      for (let i = 0; Date.now() < end; i++) {
        const handle = await e.client.workflow.start('bareWorkflow', {
          workflowId: `bench-tp-${s}-${i}-${Date.now()}`,
          taskQueue: e.taskQueue,
          requestEagerStart: eager,
        });
        await handle.result();
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const node = process.cpuUsage(node0);
  const nodeMs = (node.user + node.system) / 1000 / done;
  const serverMs = (cpuMsOf(e.server.pid) - server0) / done;
  const bound = (cpus().length * 1000) / (nodeMs + serverMs);
  return { wfps: done / elapsed, nodeMsPerWf: nodeMs, serverMsPerWf: serverMs, cpuBound: bound };
}

export const row = (name: string, p: Percentiles, floor?: Percentiles) =>
  console.log(
    `${name.padEnd(52)} p50 ${fmt(p.p50).padStart(10)}  p90 ${fmt(p.p90).padStart(10)}${
      floor ? `  ${(p.p50 / floor.p50).toFixed(2)}×` : ''
    }`,
  );
