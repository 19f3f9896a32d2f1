import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type request from 'supertest';
import type { TestContext } from './context.ts';
import { pgConnection } from '../../src/platform/db/pg-tls.ts';

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Opens a transaction that holds a row lock (whatever `lockSql` takes), so the
 * step under test blocks inside its own transaction; `release` rolls it back.
 */
export async function holdLock(databaseUrl: string, lockSql: string, params: unknown[]) {
  const blocker = new pg.Client(pgConnection(databaseUrl));
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query(lockSql, params);
  return {
    release: async () => {
      await blocker.query('rollback');
      await blocker.end();
    },
  };
}

/** Holds a client's row, so that its deletion transaction blocks inside its first statement. */
export const holdClientRow = (databaseUrl: string, clientId: string) =>
  holdLock(databaseUrl, 'select id from client where id = $1 for update', [clientId]);

/** The deletion's statement while it waits on the held row (for waitForBlockedStatement or pg_stat_activity). */
export const BLOCKED_DELETION = '%from "client"%for update%';

/** A client's DELETE sent now through `api`, its answer awaited later. */
export const deletionUnderWay = (
  api: { delete(path: string): request.Test },
  client: { id: string; businessName: string },
) =>
  api
    .delete(`/api/admin/clients/${client.id}`)
    .send({ confirmBusinessName: client.businessName })
    .then((r) => r);

/** Waits until a statement matching `queryLike` is blocked on a lock. */
export const waitForBlockedStatement = (t: Pick<TestContext, 'sql'>, queryLike: string, what: string) =>
  waitFor(async () => {
    const rows = await t.sql(
      `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike ?`,
      [queryLike],
    );
    return rows[0].n > 0;
  }, what);

/** SIGKILL: no shutdown hooks, no goodbye to Temporal or PostgreSQL. */
export async function killHard(worker: ChildProcess): Promise<void> {
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGKILL');
  await exited;
}
