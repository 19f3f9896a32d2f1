import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { msToTs } from '@temporalio/common/lib/time.js';
import { connectTemporal, type TemporalHandle } from '../../../src/platform/temporal/client.ts';
import type { TemporalEndpoint } from '../../../src/platform/temporal/connection.ts';
import { ensureSearchAttributes } from '../../../src/platform/temporal/ensure-search-attributes.ts';
import { runSearchAttributes } from '../../../src/platform/temporal/search-attributes.ts';
import { startEmbeddedPostgres } from '../../../src/platform/launch/embedded-postgres.ts';
import { freePort } from '../../../src/platform/launch/free-port.ts';
import { stopChild } from '../../../src/platform/launch/processes.ts';
import { pgConnection } from '../../../src/platform/db/pg-tls.ts';
import { MOCK_CREDENTIALS } from '../../../src/platform/launch/api-mocks.ts';
import { CONTROL_KEYS, testEnv } from '../env.ts';
import { startApiProcess, startWorkerProcess } from '../worker-process.ts';
import { makeClusterCerts, type ClusterCerts } from './certs.ts';
import { startTemporalCluster } from './temporal-server.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';

export const SERVER_NAME = 'temporal.ops.test';
const TASK_QUEUE = 'cluster-ops';
const OPERATOR_KEY = 'cluster-operator-key-0123456789abcdef';

export interface PlatformProcess {
  name: string;
  child: ChildProcess;
  url?: string;
  exited: Promise<number | null>;
}

/**
 * The production topology on one machine: a real Temporal server (PostgreSQL-backed, mTLS), PostgreSQL
 * over TLS, N API processes behind a round-robin proxy and M worker processes, each started the way
 * `./ops api` / `./ops worker` start them. What the tests see is what an operator's load balancer sees.
 */
export interface Cluster {
  certs: ClusterCerts;
  temporalAddress: string;
  /** The test's own client, with the platform's client certificate. */
  temporal: TemporalHandle;
  databaseUrl: string;
  apis: PlatformProcess[];
  workers: PlatformProcess[];
  /** The proxy in front of every API, carrying the operator key. */
  api: { get(p: string): request.Test; post(p: string): request.Test; delete(p: string): request.Test };
  /** One API directly, past the proxy. */
  direct(api: PlatformProcess): { delete(p: string): request.Test; get(p: string): request.Test };
  anonymous: ReturnType<typeof request>;
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  startWorker(name: string): Promise<PlatformProcess>;
  restartApi(api: PlatformProcess): Promise<PlatformProcess>;
  endpoint(overrides?: Partial<TemporalEndpoint['tls'] & object>): TemporalEndpoint;
  stop(): Promise<void>;
}

const tracked = (name: string, child: ChildProcess, url?: string): PlatformProcess => ({
  name,
  child,
  url,
  exited: new Promise((r) => {
    if (child.exitCode !== null) r(child.exitCode);
    else child.once('exit', (code) => r(code));
  }),
});

export async function startCluster(opts: {
  apis: number;
  workers: number;
  log: (m: string) => void;
}): Promise<Cluster> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => opts.log(`stop failed: ${String(e)}`));
  };
  try {
    return await assemble(opts, stops, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

async function assemble(
  opts: { apis: number; workers: number; log: (m: string) => void },
  stops: (() => Promise<unknown>)[],
  stop: () => Promise<void>,
): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ops-cluster-'));
  stops.push(async () => rmSync(dir, { recursive: true, force: true }));
  const certs = makeClusterCerts(dir, SERVER_NAME);

  const pgPort = await freePort();
  const embedded = await startEmbeddedPostgres({
    dir: join(dir, 'pg'),
    port: pgPort,
    persistent: false,
    log: opts.log,
    tls: { certFile: certs.server.cert, keyFile: certs.server.key },
  });
  stops.push(() => embedded.stop());
  const password = decodeURIComponent(new URL(embedded.url('postgres')).password);
  // verify-full: the certificate must chain to the test CA and name localhost.
  const tlsUrl = (database: string, appName?: string) => {
    const u = new URL(embedded.url(database));
    u.hostname = 'localhost';
    u.searchParams.set('sslmode', 'verify-full');
    u.searchParams.set('sslrootcert', certs.ca);
    if (appName) u.searchParams.set('application_name', appName);
    return u.toString();
  };

  const server = await startTemporalCluster({
    dir: join(dir, 'temporal'),
    pg: { host: 'localhost', port: pgPort, user: 'postgres', password },
    certs,
    serverName: SERVER_NAME,
    log: opts.log,
  });
  stops.push(() => server.stop());

  const endpoint = (overrides: Partial<TemporalEndpoint['tls'] & object> = {}): TemporalEndpoint => ({
    address: server.address,
    tls: {
      serverNameOverride: SERVER_NAME,
      serverRootCACertificate: readFileSync(certs.ca),
      clientCertPair: { crt: readFileSync(certs.client.cert), key: readFileSync(certs.client.key) },
      ...overrides,
    },
  });
  const temporal = await untilReady(() =>
    connectTemporal({ endpoint: endpoint(), namespace: 'default', taskQueue: TASK_QUEUE }),
  );
  stops.push(() => temporal.close());
  await prepareNamespace(temporal);

  const admin = new pg.Pool({ ...pgConnection(tlsUrl('postgres')), max: 1 });
  await admin.query('create database ops');
  await admin.end();
  const databaseUrl = tlsUrl('ops');
  const pool = new pg.Pool({ ...pgConnection(databaseUrl), max: 4 });
  stops.push(() => pool.end());

  const { stripeProxy, twilioProxy } = testEnv();
  const common = {
    ...MOCK_CREDENTIALS,
    STRIPE_API_BASE: stripeProxy,
    TWILIO_API_BASE: twilioProxy,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    TEMPORAL_TLS_CERT: certs.client.cert,
    TEMPORAL_TLS_KEY: certs.client.key,
    TEMPORAL_TLS_CA: certs.ca,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    ALERT_DETECTION_EVERY: '8760h',
    WEBHOOK_OUTBOX_SWEEP_EVERY: '8760h',
    CALLER_STATUS_EVENTS: 'none',
  };
  const workers: PlatformProcess[] = [];
  const startWorker = async (name: string) => {
    const child = await startWorkerProcess({ ...common, DATABASE_URL: tlsUrl('ops', name) });
    const proc = tracked(name, child);
    workers.push(proc);
    stops.push(() => stopChild(child, 'SIGKILL'));
    return proc;
  };
  // The first worker migrates and registers nothing new (prepareNamespace did); the rest start together.
  await startWorker('worker-1');
  await Promise.all(Array.from({ length: opts.workers - 1 }, (_, i) => startWorker(`worker-${i + 2}`)));

  const startApi = async (name: string, port: number) => {
    const child = await startApiProcess({
      ...common,
      DATABASE_URL: tlsUrl('ops', name),
      PORT: String(port),
      HOST: '127.0.0.1',
      SYNC_WAIT: '60s',
      OPS_ADMIN_API_KEY: OPERATOR_KEY,
      OPS_KEY_ADMIN: CONTROL_KEYS.admin,
      OPS_KEY_N8N: CONTROL_KEYS.n8n,
      LOGIN_ATTEMPTS_PER_IP: '100000',
      REFUSED_CREDENTIALS_PER_IP: '100000',
    });
    stops.push(() => stopChild(child, 'SIGKILL'));
    return tracked(name, child, `http://127.0.0.1:${port}`);
  };
  const apis = await Promise.all(
    Array.from({ length: opts.apis }, async (_, i) => startApi(`api-${i + 1}`, await freePort())),
  );
  const proxy = await startRoundRobinProxy(apis.map((a) => a.url!));
  stops.push(() => proxy.close());

  const auth = { Authorization: `Bearer ${OPERATOR_KEY}` };
  const through = (url: string) => ({
    get: (p: string) => request(url).get(p).set(auth),
    post: (p: string) => request(url).post(p).set(auth),
    delete: (p: string) => request(url).delete(p).set(auth),
  });
  return {
    certs,
    temporalAddress: server.address,
    temporal,
    databaseUrl,
    apis,
    workers,
    api: through(proxy.url),
    direct: (api) => through(api.url!),
    anonymous: request(proxy.url),
    sql: async (query, params = []) => {
      let n = 0;
      return (
        await pool.query(
          query.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    },
    startWorker,
    // The same name and port: the proxy sends to it again.
    restartApi: async (api) => {
      const again = await startApi(api.name, Number(new URL(api.url!).port));
      apis[apis.indexOf(api)] = again;
      return again;
    },
    endpoint,
    stop,
  };
}

/** Retries `attempt` while the server is still coming up (membership, shards, the namespace cache). */
async function untilReady<T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A real cluster has no namespace until one is registered, and the platform's search attributes
 * are added per namespace; both reach the frontend's namespace cache a moment later, so this waits
 * until a run carrying the attributes can really be started.
 */
async function prepareNamespace(temporal: TemporalHandle) {
  const service = temporal.connection.workflowService;
  await untilReady(() =>
    service.registerNamespace({ namespace: 'default', workflowExecutionRetentionPeriod: msToTs('1 day') }),
  ).catch((err: Error) => {
    if (!/already exists/i.test(err.message)) throw err;
  });
  await untilReady(() => ensureSearchAttributes(temporal.connection, 'default'));
  await untilReady(async () => {
    const handle = await temporal.client.workflow.start('clusterProbe', {
      taskQueue: 'cluster-probe',
      workflowId: `probe-${Date.now()}`,
      typedSearchAttributes: runSearchAttributes({ operation: 'probe', tenantId: 'probe', actor: 'test' }),
    });
    await handle.terminate('probe');
  });
}
