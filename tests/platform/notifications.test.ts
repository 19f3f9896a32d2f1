import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { openNotifications, type Notifications } from '../../src/platform/db/notifications.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';
import { testEnv } from '../support/env.ts';

// A recheck far longer than any test: a waiter that answers was woken by a notice (or a reconnect).
const NEVER = 600_000;
const env = testEnv();
let db: pg.Client;
let notices: Notifications;

beforeAll(async () => {
  db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  await db.query('create table if not exists notice_probe (key text primary key, value text)');
  notices = openNotifications(env.databaseUrl, createLogger('silent'), { recheckMs: NEVER });
});
afterAll(async () => {
  await notices.close();
  await db.query('drop table if exists notice_probe');
  await db.end();
});

const readProbe = (key: string) => async () =>
  ((await db.query('select value from notice_probe where key = $1', [key])).rows[0]?.value as string) ?? null;
const commitProbe = (key: string, value: string) =>
  db.query(`with w as (insert into notice_probe values ($1, $2) returning key) select pg_notify('probe', key) from w`, [
    key,
    value,
  ]);

test('a waiter reads the row as soon as its commit is announced', async () => {
  const waiting = notices.awaitRow('probe', 'a', readProbe('a'), new AbortController().signal);
  await new Promise((r) => setTimeout(r, 50));
  const committed = Date.now();
  await commitProbe('a', 'placed');
  expect(await waiting).toBe('placed');
  expect(Date.now() - committed).toBeLessThan(5_000);
});

test('a row already committed answers without waiting for a notice', async () => {
  await db.query(`insert into notice_probe values ('b', 'there')`);
  expect(await notices.awaitRow('probe', 'b', readProbe('b'), new AbortController().signal)).toBe('there');
});

test("a notice for another key does not answer, and the caller's abort ends the wait with null", async () => {
  const stop = new AbortController();
  const waiting = notices.awaitRow('probe', 'c', readProbe('c'), stop.signal);
  await commitProbe('other', 'x');
  const early = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting'), 200))]);
  expect(early).toBe('still waiting');
  stop.abort();
  expect(await waiting).toBeNull();
});

test('a waiter whose connection is cut reads again, and later notices reach it on a new connection', async () => {
  const waiting = notices.awaitRow('probe', 'd', readProbe('d'), new AbortController().signal);
  await new Promise((r) => setTimeout(r, 50));
  const cut = await db.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query like 'listen %'`,
  );
  expect(cut.rowCount).toBe(1);
  // The waiter re-reads at once (nothing yet), listens again on a new connection, and is woken by the next commit.
  await new Promise((r) => setTimeout(r, 300));
  await commitProbe('d', 'after the cut');
  expect(await waiting).toBe('after the cut');
});
