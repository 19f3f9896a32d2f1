import type { EntityManager } from '@mikro-orm/postgresql';
import { afterCursor, type Cursor } from '../platform/db/keyset.ts';
import { conditions } from '../platform/db/where.ts';
import type { RunsFilter } from './visibility-query.ts';

export interface IndexRow {
  id: string;
  started_at: Date;
  execution_time: Date;
}

/** limit + 1 runs of the index matching the filter's labels and start times, newest first, after the cursor. */
export async function indexedRuns(
  em: EntityManager,
  q: Pick<RunsFilter, 'operation' | 'tenantId' | 'actor' | 'from' | 'to'> & { limit: number },
  after?: Cursor,
): Promise<IndexRow[]> {
  const w = conditions();
  const when = w.add;
  if (q.operation) when('operation = ?', q.operation);
  if (q.tenantId) when('tenant_id = ?', q.tenantId);
  if (q.actor) when('actor = ?', q.actor);
  if (q.from) when('started_at >= ?', q.from);
  if (q.to) when('started_at <= ?', q.to);
  if (after) {
    const keyset = afterCursor('run_index', 'started_at', after);
    when(keyset.sql, ...keyset.params);
  }
  const where = w.clause();
  return (await em.execute(
    `select id, started_at, execution_time from run_index ${where.sql} order by started_at desc, id desc limit ?`,
    [...where.params, q.limit + 1],
  )) as IndexRow[];
}

/** Removes these runs from the index (runs Temporal's retention has deleted). */
export async function forgetRuns(em: EntityManager, ids: string[]): Promise<void> {
  await em.execute('delete from run_index where id in (?)', [ids]);
}
