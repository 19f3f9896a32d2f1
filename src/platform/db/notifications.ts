import pg from 'pg';
import type { Logger } from '../observability/logger.ts';
import { pgConnection } from './pg-tls.ts';

/**
 * PostgreSQL LISTEN/NOTIFY, for a request that waits for a row another process
 * commits (a call's Twilio SID, written by a worker): the row is the answer, the
 * notice only says when to read it. One connection per API process, opened on
 * first use and again after it drops. A waiter also re-reads every `recheckMs`
 * on its own, so a notice missed while the connection was down costs latency,
 * never an answer.
 */
export interface Notifications {
  /**
   * Reads `read()` until it gives a row, woken by each notice on `channel` whose
   * payload is `key`; null once `signal` aborts (the caller's bound, or its answer
   * came another way).
   */
  awaitRow<T>(channel: string, key: string, read: () => Promise<T | null>, signal: AbortSignal): Promise<T | null>;
  close(): Promise<void>;
}

const waiterKey = (channel: string, key: string) => `${channel}\u0000${key}`;

export function openNotifications(
  databaseUrl: string,
  logger: Logger,
  opts: { recheckMs?: number } = {},
): Notifications {
  const recheckMs = opts.recheckMs ?? 1_000;
  const waiters = new Map<string, Set<() => void>>();
  const channels = new Set<string>();
  let client: pg.Client | null = null;
  let opening: Promise<pg.Client> | null = null;
  let closed = false;

  const wake = (set: Set<() => void> | undefined) => set && [...set].forEach((w) => w());
  // A lost connection may have swallowed notices: every waiter reads again.
  const lost = (c: pg.Client, err?: Error) => {
    if (client !== c) return;
    client = null;
    if (!closed && err) logger.warn({ err }, 'notification connection lost; waiters re-read their rows');
    c.end().catch(() => undefined);
    for (const set of waiters.values()) wake(set);
  };

  async function open(): Promise<pg.Client> {
    // Keepalive: a listener whose peer vanished is noticed (and replaced) instead of holding notices.
    const c = new pg.Client({
      ...pgConnection(databaseUrl),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
    });
    c.on('notification', (n) => wake(waiters.get(waiterKey(n.channel, n.payload ?? ''))));
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      for (const ch of channels) await c.query(`listen ${c.escapeIdentifier(ch)}`);
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
    client = c;
    return c;
  }

  /** Listening on `channel` before the row is read, so a commit in between is not missed. */
  async function listen(channel: string): Promise<void> {
    if (closed) return;
    const known = channels.has(channel);
    channels.add(channel);
    try {
      if (!client) {
        opening ??= open().finally(() => (opening = null));
        await opening; // listens on every known channel, this one included
      } else if (!known) await client.query(`listen ${client.escapeIdentifier(channel)}`);
    } catch (err) {
      // The database is unreachable for now: the waiter's own re-reads still answer.
      logger.warn({ err, channel }, 'cannot listen for notifications; waiters re-read on their own');
    }
  }

  return {
    async awaitRow<T>(channel: string, key: string, read: () => Promise<T | null>, signal: AbortSignal) {
      const k = waiterKey(channel, key);
      while (!signal.aborted) {
        await listen(channel); // again after a lost connection: it opens a new one
        let timer: NodeJS.Timeout | undefined;
        let waiter: (() => void) | undefined;
        const woken = new Promise<void>((resolve) => {
          waiter = () => resolve();
          timer = setTimeout(waiter, recheckMs);
          signal.addEventListener('abort', waiter, { once: true });
        });
        const set = waiters.get(k) ?? new Set();
        waiters.set(k, set.add(waiter!));
        try {
          const row = await read();
          if (row !== null) return row;
          await woken;
        } finally {
          clearTimeout(timer);
          signal.removeEventListener('abort', waiter!);
          set.delete(waiter!);
          if (!set.size && waiters.get(k) === set) waiters.delete(k);
        }
      }
      return null;
    },

    async close() {
      closed = true;
      const c = client ?? (await opening?.catch(() => null)) ?? null;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
