import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TUNED_DYNAMIC_CONFIG } from '../../../src/platform/launch/temporal-dev-server.ts';
import { freeLowPort } from '../../../src/platform/launch/free-port.ts';
import { stopChild } from '../../../src/platform/launch/processes.ts';
import type { ClusterCerts } from './certs.ts';

const run = promisify(execFile);

/** Built by ./ops (ensure_temporal_server): the server the CLI embeds, and its SQL schema tool. */
const bin = (env: string, name: string) => process.env[env] ?? resolve('.tools/bin', name);

export interface PgServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalCluster {
  address: string;
  stop(): Promise<void>;
}

/** temporal-sql-tool over TLS (the CA checked, and the host name) against one database. */
async function sqlTool(pg: PgServer, caFile: string, database: string, ...command: string[]) {
  const args = [
    '--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password,
    '--db', database, '--tls', '--tls-ca-file', caFile, ...command,
  ]; // prettier-ignore
  await run(bin('TEMPORAL_SQL_TOOL_BIN', 'temporal-sql-tool'), args);
}

/** Creates both databases with the server's own schema tool and its embedded PostgreSQL 12+ schemas. */
async function setUpSchemas(pg: PgServer, caFile: string, prefix: string) {
  for (const [database, schema] of [
    [prefix, 'postgresql/v12/temporal'],
    [`${prefix}_visibility`, 'postgresql/v12/visibility'],
  ]) {
    await sqlTool(pg, caFile, database, 'create-database');
    await sqlTool(pg, caFile, database, 'setup-schema', '-v', '0.0');
    await sqlTool(pg, caFile, database, 'update-schema', '--schema-name', schema);
  }
}

const datastore = (pg: PgServer, database: string, caFile: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${pg.host}:${pg.port}"
        connectProtocol: tcp
        user: ${pg.user}
        password: "${pg.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        tls:
          enabled: true
          caFile: ${caFile}
          enableHostVerification: true
          serverName: localhost`;

/**
 * A single-binary Temporal server (every service in one process, as a small self-hosted cluster's
 * node runs) with its history and visibility in PostgreSQL over TLS and mTLS on its frontend: clients
 * need a certificate signed by the cluster's CA. The same dynamic config the dev server runs with.
 */
export async function startTemporalCluster(opts: {
  dir: string;
  pg: PgServer;
  certs: ClusterCerts;
  serverName: string;
  log: (m: string) => void;
}): Promise<TemporalCluster> {
  const { certs, pg } = opts;
  const started = Date.now();
  await setUpSchemas(pg, certs.ca, 'temporal');
  opts.log(`temporal schemas set up in ${Date.now() - started} ms`);

  // The server's first start on a loaded machine has been seen to exit before serving (its cause is
  // logged): it is started again on fresh ports, at most three times, before the tier gives up.
  for (let attempt = 1; ; attempt++) {
    const server = await spawnServer(opts, attempt);
    const up = await server.serving();
    if (up) return server;
    await server.stop();
    if (attempt === 3) throw new Error(`the temporal server did not start: ${server.cause()}`);
    opts.log(`temporal server exited at start (attempt ${attempt}): ${server.cause()}; starting it again`);
  }
}

/** One server process on fresh ports; `serving()` says whether its frontend accepts connections. */
async function spawnServer(
  opts: { dir: string; pg: PgServer; certs: ClusterCerts; serverName: string; log: (m: string) => void },
  attempt: number,
) {
  const { certs, pg } = opts;
  const dir = join(opts.dir, `start-${attempt}`);
  const port = {} as Record<string, number>;
  for (const name of ['frontend', 'frontendHttp', 'history', 'matching', 'worker']) port[name] = await freeLowPort();
  for (const name of ['frontendM', 'historyM', 'matchingM', 'workerM']) port[name] = await freeLowPort();
  const service = (grpc: number, membership: number, http?: number) => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http ? `\n      httpPort: ${http}` : ''}`;

  mkdirSync(join(dir, 'config', 'dynamicconfig'), { recursive: true });
  const dynamicConfig = join(dir, 'config', 'dynamicconfig', 'development.yaml');
  writeFileSync(
    dynamicConfig,
    Object.entries(TUNED_DYNAMIC_CONFIG)
      .map(([key, value]) => `${key}:\n  - value: ${value}\n`)
      .join(''),
  );
  writeFileSync(
    join(dir, 'config', 'development.yaml'),
    `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${datastore(pg, 'temporal', certs.ca, 20)}
    visibility:${datastore(pg, 'temporal_visibility', certs.ca, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  tls:
    frontend:
      server:
        certFile: ${certs.server.cert}
        keyFile: ${certs.server.key}
        requireClientAuth: true
        clientCaFiles: [${certs.ca}]
    # The server's own worker (schedules, system workflows) dials the frontend like any client.
    systemWorker:
      certFile: ${certs.client.cert}
      keyFile: ${certs.client.key}
      client:
        serverName: ${opts.serverName}
        rootCaFiles: [${certs.ca}]
services:
  frontend:${service(port.frontend, port.frontendM, port.frontendHttp)}
  history:${service(port.history, port.historyM)}
  matching:${service(port.matching, port.matchingM)}
  worker:${service(port.worker, port.workerM)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${port.frontend}
      httpAddress: 127.0.0.1:${port.frontendHttp}
dcRedirectionPolicy:
  policy: noop
archival:
  history:
    state: disabled
  visibility:
    state: disabled
namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled
dynamicConfigClient:
  filepath: ${dynamicConfig}
  pollInterval: 10s
`,
  );

  const child: ChildProcess = spawn(
    bin('TEMPORAL_SERVER_BIN', 'temporal-server'),
    ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + String(d)).slice(-50_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let stopping = false;
  let exited = false;
  child.once('exit', (code) => {
    exited = true;
    if (!stopping) opts.log(`temporal server exited (${code}): ${firstError(output)}`);
  });
  return {
    address: `127.0.0.1:${port.frontend}`,
    cause: () => firstError(output),
    /** True once the frontend accepts TCP connections; false if the process exits first. */
    serving: async () => {
      const deadline = Date.now() + 120_000;
      while (!exited && Date.now() < deadline) {
        if (await accepts(port.frontend)) return true;
        await new Promise((r) => setTimeout(r, 200));
      }
      return false;
    },
    stop: async () => {
      stopping = true;
      if (!exited) await stopChild(child, 'SIGTERM');
    },
  };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The server's last error or fatal log line (its JSON's msg and error), without the stack trace. */
function firstError(output: string): string {
  const lines = output.split('\n').reverse();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      if (entry.level === 'fatal' || entry.level === 'error' || entry.level === 'dpanic')
        return `${entry.msg ?? ''}: ${entry.error ?? ''}`;
    } catch {
      // not a JSON log line
    }
  }
  return output.slice(-1500);
}
