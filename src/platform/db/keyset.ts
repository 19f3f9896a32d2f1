import { raw, type EntityManager, type Field, type QueryBuilder, type QueryOrderMap } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { unstorableReason } from '../http/text-guard.ts';

/** A query builder over T, whatever its alias and selected fields (MikroORM's own generics). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- QueryBuilder's second parameter is the root alias type
type AnyQb<T extends object> = QueryBuilder<T, any>;

/**
 * Keyset pagination over (<time column> desc, id desc): a page costs the same at
 * row 1,000,000 as at row 1 because the index seek starts at the cursor.
 */
export interface Cursor {
  at: Date;
  id: string;
}

/** The time column a list is ordered by: its SQL name and its entity property. */
export interface KeysetOrder {
  column: string;
  prop: string;
}

export const BY_CREATED_AT: KeysetOrder = { column: 'created_at', prop: 'createdAt' };
export const BY_UPDATED_AT: KeysetOrder = { column: 'updated_at', prop: 'updatedAt' };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at.toISOString(), c.id])).toString('base64url');
}

/**
 * zod field for a `limit` query parameter: a positive integer, `dflt` when absent.
 * Above `max` it is capped at `max` (spec 000: "max: 200"), not refused: asking for
 * more than a page holds is not an error, the answer just says what it shows.
 */
export const pageLimit = (max: number, dflt: number) =>
  z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .max(Number.MAX_SAFE_INTEGER, 'must be a positive integer')
    .default(dflt)
    .transform((n) => Math.min(n, max))
    .describe(`page size, 1 to ${max} (larger values are capped at ${max}); default ${dflt}`);

/** zod field for a `cursor` query parameter; a malformed cursor is a 400 on that field. */
export const cursorParam = z
  .string()
  .max(512)
  .transform((text, ctx): Cursor => {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      if (!Array.isArray(decoded) || decoded.length !== 2) throw new Error('bad cursor');
      const [at, id] = decoded as unknown[];
      const date = new Date(typeof at === 'string' ? at : NaN);
      // A cursor is ours only if it could have come from a row: a plain id and a timestamp PostgreSQL can hold.
      const plausible =
        typeof id === 'string' &&
        id.length > 0 &&
        id.length <= 300 &&
        unstorableReason(id) === null &&
        date.getTime() >= 0 &&
        date.getUTCFullYear() <= 9999;
      if (!plausible) throw new Error('bad cursor');
      return { at: date, id: id as string };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this API (use nextCursor)' });
      return z.NEVER;
    }
  });

/**
 * The keyset condition "after the cursor", `(time, id) < (cursor's time, cursor's id)`. PostgreSQL
 * keeps microseconds and a cursor carries milliseconds, so the cursor row's own timestamp is read
 * back by its id (one primary-key lookup, once per query): rows written within the same millisecond
 * are neither skipped nor repeated. A cursor whose row is gone falls back to its millisecond.
 */
export function afterCursor(
  table: string,
  column: string,
  cursor: Cursor,
  alias?: string,
): { sql: string; params: unknown[] } {
  for (const name of [table, column, alias ?? 'k'])
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`afterCursor: ${name} is not a plain SQL name`);
  const at = alias ? `${alias}.${column}` : column;
  const id = alias ? `${alias}.id` : 'id';
  // The row's timestamp counts only while it is still the cursor's (a row updated since, in a list by
  // updated_at, has moved to the top; then the cursor's own millisecond holds the place).
  const exact = `select k.${column} from ${table} k where k.id = ? and date_trunc('milliseconds', k.${column}) = ?`;
  return {
    sql: `(${at}, ${id}) < (coalesce((${exact}), ?), ?)`,
    params: [cursor.id, cursor.at, cursor.at, cursor.id],
  };
}

export function keysetPage<T extends object>(
  qb: AnyQb<T>,
  alias: string,
  order: KeysetOrder,
  cursor: Cursor | undefined,
) {
  if (cursor) {
    const after = afterCursor(qb.mainAlias.meta.tableName, order.column, cursor, alias);
    qb.andWhere(after.sql, after.params);
  }
  return qb.orderBy({ [order.prop]: 'desc', id: 'desc' } as QueryOrderMap<T>);
}

/**
 * Fetches limit+1 rows to know whether another page exists without counting.
 * Rows come back as plain objects keyed by property (no entity hydration, no
 * identity map): a read-only page does not need managed entities, and skipping
 * them halves the cost of a 50-row page.
 */
export async function fetchPage<T extends { id: string }>(qb: AnyQb<T>, order: KeysetOrder, limit: number) {
  const rows = (await qb.limit(limit + 1).execute('all', true)) as unknown as T[];
  const items = rows.slice(0, limit);
  const last = items[items.length - 1] as (T & Record<string, unknown>) | undefined;
  const nextCursor = rows.length > limit && last ? encodeCursor({ at: last[order.prop] as Date, id: last.id }) : null;
  return { items, nextCursor };
}

/**
 * The page of rows a raw keyset query fetched with `limit + 1`: the rows to
 * show, and `next` — `{ nextCursor }` naming the last of them when there are
 * more, else nothing — to spread into the answer.
 */
export function rowsPage<T extends { id: string }>(rows: T[], limit: number, at: (row: T) => Date | string) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const next: { nextCursor?: string } =
    rows.length > limit && last ? { nextCursor: encodeCursor({ at: new Date(at(last)), id: last.id }) } : {};
  return { items, next };
}

/** `%text%` for a case-insensitive LIKE on lower-cased text, with the caller's own % and _ matched literally. */
export const containing = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Counts matching rows up to `cap` through the filter's index: the cost is bounded
 * by the cap, not by the table. Callers report `totalCapped` when the cap was hit.
 */
export async function cappedCount<T extends object>(em: EntityManager, qb: AnyQb<T>, cap: number) {
  const { sql, params } = qb
    .select(raw('1') as unknown as Field<T>)
    .limit(cap + 1)
    .toQuery();
  const res = (await em.getConnection().execute(`select count(*)::int as n from (${sql}) t`, params as unknown[])) as {
    n: number;
  }[];
  const n = res[0]?.n ?? 0;
  return { total: Math.min(n, cap), totalCapped: n > cap };
}
