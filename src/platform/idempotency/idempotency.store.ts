import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Stable hash of a request's meaning: key order in objects does not matter. */
export function payloadHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'in_progress'; workflowId: string }
  | { kind: 'completed'; response: Record<string, unknown>; executedAt: string }
  | { kind: 'mismatch' };

interface Row {
  claimed: boolean;
  payload_hash: string;
  status: 'in_progress' | 'completed';
  workflow_id: string;
  response: Record<string, unknown> | null;
  executed_at: Date | null;
}

/**
 * The request-fingerprint store: it keeps the idempotency promise for its TTL
 * (7 days for the control plane), beyond Temporal's retention of closed runs.
 */
export function createIdempotencyStore(em: () => EntityManager) {
  return {
    /** One round trip: claims the key (or an expired record of it), or reports what holds it. */
    async claim(scope: string, key: string, hash: string, workflowId: string, ttlMs: number): Promise<Claim> {
      const [row] = (await em().execute(
        `with ins as (
           insert into idempotency_record (scope, key, payload_hash, status, workflow_id, expires_at)
           values (?, ?, ?, 'in_progress', ?, now() + (? * interval '1 millisecond'))
           on conflict (scope, key) do update
             set payload_hash = excluded.payload_hash, status = 'in_progress', workflow_id = excluded.workflow_id,
                 response = null, executed_at = null, created_at = now(), expires_at = excluded.expires_at
             where idempotency_record.expires_at < now()
           returning true as claimed, payload_hash, status, workflow_id, response, executed_at)
         select * from ins
         union all
         select false, payload_hash, status, workflow_id, response, executed_at
           from idempotency_record where scope = ? and key = ? and not exists (select 1 from ins)`,
        [scope, key, hash, workflowId, ttlMs, scope, key],
      )) as Row[];
      if (!row) return this.claim(scope, key, hash, workflowId, ttlMs); // released between the two parts: try again
      if (row.claimed) return { kind: 'claimed' };
      if (row.payload_hash !== hash) return { kind: 'mismatch' };
      if (row.status === 'completed') return { kind: 'completed', response: row.response!, executedAt: new Date(row.executed_at!).toISOString() };
      return { kind: 'in_progress', workflowId: row.workflow_id };
    },

    /**
     * Stores the answer once. Every waiter of the same run calls this; the first
     * wins and gets `stored: true`, the others get the stored answer back.
     */
    async complete(scope: string, key: string, response: Record<string, unknown>, executedAt: string) {
      const updated = (await em().execute(
        `update idempotency_record set status = 'completed', response = ?, executed_at = ?
          where scope = ? and key = ? and status = 'in_progress' returning key`,
        [JSON.stringify(response), executedAt, scope, key],
      )) as unknown[];
      if (updated.length) return { stored: true as const, response, executedAt };
      const [row] = (await em().execute(`select response, executed_at from idempotency_record where scope = ? and key = ?`, [scope, key])) as Row[];
      return { stored: false as const, response: row?.response ?? response, executedAt: row?.executed_at ? new Date(row.executed_at).toISOString() : executedAt };
    },

    /** A failed run gives the key back, so a retry with the same requestId may run again. */
    async release(scope: string, key: string): Promise<void> {
      await em().execute(`delete from idempotency_record where scope = ? and key = ? and status = 'in_progress'`, [scope, key]);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
