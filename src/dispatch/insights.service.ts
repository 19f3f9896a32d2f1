import type { Client } from '@temporalio/client';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterCursor, rowsPage, type Cursor } from '../platform/db/keyset.ts';
import { notFound } from '../platform/http/errors.ts';
import { iso, isoOrNull } from '../platform/http/wire.ts';
import { describeRun } from '../platform/temporal/runs.ts';
import { ASSIGN_DRIVER, ASSIGN_FAILURES } from './assign-driver.contract.ts';
import { REFUND_FAILURES, REFUND_PAYMENT } from './refund-payment.contract.ts';
import { DELIVER_WEBHOOK, WEBHOOK_FAILURES } from './deliver-webhook.contract.ts';

const KNOWN_FAILURES = new Set<string>([
  ...Object.values(ASSIGN_FAILURES),
  ...Object.values(REFUND_FAILURES),
  ...Object.values(WEBHOOK_FAILURES),
]);

const OPERATIONS: readonly string[] = [ASSIGN_DRIVER.operation, REFUND_PAYMENT.operation, DELIVER_WEBHOOK.operation];

/** The audit trail of one entity, webhook deliveries with their attempts, and the status of a dispatch run. */
export function createInsightsService(deps: { orm: MikroORM; temporal: Client }) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;

  return {
    async auditTrail(entity: string, id: string, limit: number) {
      const rows = await sql<Record<string, unknown> & { occurred_at: Date }>(
        `select id, occurred_at, actor_type, actor_id, actor_role, action, outcome, before, after, ip, user_agent,
                request_id, workflow_id
           from audit_event where resource_type = ? and resource_id = ? order by occurred_at desc, id desc limit ?`,
        [entity, id, limit],
      );
      return {
        entity,
        id,
        events: rows.map((r) => ({
          id: String(r.id),
          at: iso(r.occurred_at),
          user: { type: r.actor_type, id: r.actor_id, role: r.actor_role },
          action: r.action,
          outcome: r.outcome,
          before: r.before,
          after: r.after,
          ip: r.ip,
          userAgent: r.user_agent,
          requestId: r.request_id,
          workflowId: r.workflow_id,
        })),
      };
    },

    async deliveries(q: { limit: number; cursor?: Cursor; status?: string }) {
      const after = q.cursor && afterCursor('webhook_delivery', 'created_at', q.cursor, 'd');
      const parts = [...(q.status ? ['d.status = ?'] : []), ...(after ? [after.sql] : [])];
      const params = [...(q.status ? [q.status] : []), ...(after ? after.params : [])];
      const rows = await sql<{
        id: string;
        event: string;
        url: string;
        status: string;
        attempts: number;
        created_at: Date;
        delivered_at: Date | null;
        workflow_id: string;
        tries: { attempt: number; statusCode: number | null; error: string | null; durationMs: number; at: string }[];
      }>(
        `select d.*, coalesce((select json_agg(json_build_object('attempt', a.attempt, 'statusCode', a.status_code,
            'error', a.error, 'durationMs', a.duration_ms, 'at', a.at) order by a.id)
            from webhook_attempt a where a.delivery_id = d.id), '[]') as tries
           from webhook_delivery d ${parts.length ? `where ${parts.join(' and ')}` : ''}
          order by d.created_at desc, d.id desc limit ?`,
        [...params, q.limit + 1],
      );
      const { items, next } = rowsPage(rows, q.limit, (r) => r.created_at);
      return {
        deliveries: items.map((d) => ({
          id: d.id,
          event: d.event,
          url: d.url,
          status: d.status,
          attempts: d.tries.map((a) => ({ ...a, at: iso(a.at) })),
          createdAt: iso(d.created_at),
          deliveredAt: isoOrNull(d.delivered_at),
          workflowId: d.workflow_id,
        })),
        ...next,
      };
    },

    async operation(workflowId: string) {
      if (!OPERATIONS.includes(workflowId.split(':')[0])) throw notFound('operation');
      // Only the operations' own failures are told as they are; anything else in general terms.
      const run = await describeRun(deps.temporal, workflowId, {
        known: KNOWN_FAILURES,
        fallback: { code: 'FAILED', message: 'The run failed; see the Temporal Web UI' },
      });
      if (!run) throw notFound('operation');
      return run;
    },
  };
}

export type InsightsService = ReturnType<typeof createInsightsService>;
