import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { startTemporalDevServer } from './temporal-dev-server.ts';
import { freePort } from './free-port.ts';
import { pgConnection } from '../db/pg-tls.ts';

export interface EphemeralServices {
  /** URL of the server's maintenance database; use withDatabase() for others. */
  adminUrl: string;
  temporalAddress: string;
  stop(): Promise<void>;
}

/**
 * Throw-away PostgreSQL and Temporal for tests and benchmarks: on free ports,
 * in a temp dir, in memory; existing ones are used when DATABASE_URL /
 * TEMPORAL_ADDRESS are set.
 */
export async function startEphemeralServices(label: string, log: (m: string) => void): Promise<EphemeralServices> {
  const stops: (() => Promise<void>)[] = [];
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), `ops-${label}-pg-`));
    const embedded = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, log });
    stops.push(async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    adminUrl = embedded.url('postgres');
  }
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({
      port: await freePort(),
      uiPort: null,
      dataDir: null,
      namespace: 'default',
      log,
    });
    stops.unshift(() => dev.stop());
    temporalAddress = dev.address;
  }
  return {
    adminUrl,
    temporalAddress,
    stop: async () => {
      for (const s of stops) await s().catch((e) => log(`stop failed: ${String(e)}`));
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates `name` (optionally from a template) unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const client = new pg.Client(pgConnection(adminUrl));
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}
