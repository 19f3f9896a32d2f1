import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { AUDIT_COLUMNS, AUDIT_PLACEHOLDERS, auditValues, type AuditContext, type AuditRecord } from '../audit/audit.ts';
import { BUDGET_CTE_SQL, budgetParams } from '../ratelimit/rate-limit.ts';
import { isoOrNull } from '../http/wire.ts';

/** Stable hash of a request's meaning: key order in objects does not matter. */
export function payloadHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'in_progress'; workflowId: string }
  /** The stored answer as JSON text: a replay sends it on without parsing and serialising it again. */
  | { kind: 'completed'; responseJson: string; executedAt: string }
  | { kind: 'mismatch' }
  | { kind: 'over_budget' };

export interface ClaimRequest {
  scope: string;
  key: string;
  hash: string;
  workflowId: string;
  ttlMs: number;
  /** Spend one point of this per-minute budget in the same statement; nothing is claimed when it is spent. */
  budget: { key: string; perMinute: number };
  /** Recorded in the same statement when the request turns out to be a replay of a completed one. */
  replayAudit: { who: AuditContext; what: AuditRecord };
}

export interface ClaimResult {
  claim: Claim;
  budget: { limit: number; consumed: number; msBeforeNext: number };
}

interface Row {
  budget_points: number;
  budget_expire: string | number;
  claimed: boolean | null;
  payload_hash: string | null;
  status: 'in_progress' | 'completed' | null;
  workflow_id: string | null;
  response_json: string | null;
  executed_at: Date | null;
}

/** The admission statement (see claim); fixed text, so the server can reuse its plan. */
const CLAIM_SQL = `with ${BUDGET_CTE_SQL},
         admitted as (select (select points from budget) <= ? as ok),
         ins as (
           insert into idempotency_record (scope, key, payload_hash, status, workflow_id, expires_at)
           select ?, ?, ?, 'in_progress', ?, now() + (? * interval '1 millisecond') where (select ok from admitted)
           on conflict (scope, key) do update
             set payload_hash = excluded.payload_hash, status = 'in_progress', workflow_id = excluded.workflow_id,
                 response = null, executed_at = null, created_at = now(), expires_at = excluded.expires_at
             where idempotency_record.expires_at < now()
           returning true as claimed, payload_hash, status, workflow_id, response::text as response_json, executed_at),
         cur as (
           select false as claimed, payload_hash, status, workflow_id, response::text as response_json, executed_at
             from idempotency_record
            where scope = ? and key = ? and (select ok from admitted) and not exists (select 1 from ins)),
         replay_audit as (
           insert into audit_event (${AUDIT_COLUMNS.join(', ')})
           select ${AUDIT_PLACEHOLDERS} from cur where status = 'completed' and payload_hash = ?
           returning 1)
         select b.points as budget_points, b.expire as budget_expire, r.*
           from budget b left join (select * from ins union all select * from cur) r on true`;

/** `?` placeholders as pg's `$n`. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The claim is a named prepared statement on a plain pg pool: planning this
 * statement costs twice its execution, and the ORM's driver cannot keep a plan.
 */
const CLAIM = { name: 'idempotency-claim', text: numbered(CLAIM_SQL) };

/**
 * The request-fingerprint store: it keeps the idempotency promise for its TTL
 * (7 days for the control plane), beyond Temporal's retention of closed runs.
 */
export function createIdempotencyStore(em: () => EntityManager, pool: pg.Pool) {
  return {
    /**
     * One round trip for the whole admission of a request: spends a point of the
     * caller's budget, claims the key (or an expired record of it) or reports what
     * holds it, and, for a replay of a completed request, writes its audit event.
     * A cached replay therefore costs one statement.
     */
    async claim(req: ClaimRequest): Promise<ClaimResult> {
      const audit = auditValues(req.replayAudit.who, req.replayAudit.what);
      const {
        rows: [row],
      } = await pool.query<Row>({
        ...CLAIM,
        values: [
          ...budgetParams(req.budget.key, req.budget.perMinute),
          req.budget.perMinute,
          req.scope,
          req.key,
          req.hash,
          req.workflowId,
          req.ttlMs,
          req.scope,
          req.key,
          ...audit,
          req.hash,
        ],
      });
      const used = {
        limit: req.budget.perMinute,
        consumed: row.budget_points,
        msBeforeNext: Math.max(0, Number(row.budget_expire) - Date.now()),
      };
      const claim = ((): Claim | null => {
        if (row.budget_points > req.budget.perMinute) return { kind: 'over_budget' };
        if (row.claimed === null) return null;
        if (row.claimed) return { kind: 'claimed' };
        if (row.payload_hash !== req.hash) return { kind: 'mismatch' };
        if (row.status === 'completed')
          return {
            kind: 'completed',
            responseJson: row.response_json!,
            executedAt: new Date(row.executed_at!).toISOString(),
          };
        return { kind: 'in_progress', workflowId: row.workflow_id! };
      })();
      // Released by its owner between the statement's two looks: try again (this spends one more point).
      return claim ? { claim, budget: used } : this.claim(req);
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
      const [row] = (await em().execute(
        `select response, executed_at from idempotency_record where scope = ? and key = ?`,
        [scope, key],
      )) as { response: Record<string, unknown> | null; executed_at: Date | null }[];
      return {
        stored: false as const,
        response: row?.response ?? response,
        executedAt: isoOrNull(row?.executed_at) ?? executedAt,
      };
    },

    /** A failed run gives the key back, so a retry with the same requestId may run again. */
    async release(scope: string, key: string): Promise<void> {
      await em().execute(`delete from idempotency_record where scope = ? and key = ? and status = 'in_progress'`, [
        scope,
        key,
      ]);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
