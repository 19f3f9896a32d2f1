import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { iso } from '../platform/http/wire.ts';
import { notFound } from '../platform/http/errors.ts';
import { CALL_OUTCOMES, CALL_SENTIMENTS } from './call-status.rules.ts';

interface Count {
  dimension: string;
  value: string;
  n: number;
  duration: number;
}

const byValue = (counts: Count[], dimension: string, keys: readonly string[] = []) => {
  const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const c of counts) if (c.dimension === dimension && c.n > 0) out[c.value] = c.n;
  return out;
};

/** Dashboard, recent activity and a client's call stats, from the maintained counters and indexed reads. */
export function createStatsService(deps: { orm: MikroORM }) {
  const em = () => deps.orm.em as EntityManager;
  const sql = <T>(q: string, p: unknown[] = []) => em().execute(q, p) as Promise<T[]>;
  const countsOf = (clientId: string) =>
    sql<Count>(
      'select dimension, value, n::int as n, duration::bigint as duration from caller_call_count where client_id = ?',
      [clientId],
    );

  return {
    async dashboard() {
      const [clients, counts, [recent]] = await Promise.all([
        sql<{ status: string; n: number }>('select status, count(*)::int as n from caller_client group by status'),
        countsOf('*'),
        // The last 24 hours: whole hours from the hourly counters, the partial oldest hour from the index.
        sql<{ n: number }>(
          `with edge as (select date_trunc('hour', now() - interval '24 hours') + interval '1 hour' as at)
           select ((select coalesce(sum(n), 0) from caller_call_hourly, edge where hour >= edge.at) +
                   (select count(*) from caller_call, edge
                     where start_time > now() - interval '24 hours' and start_time < edge.at))::int as n`,
        ),
      ]);
      const active = clients.find((c) => c.status === 'Active')?.n ?? 0;
      const inactive = clients.find((c) => c.status === 'Inactive')?.n ?? 0;
      return {
        clients: { active, inactive, total: active + inactive },
        calls: {
          recent: recent.n,
          total: counts.find((c) => c.dimension === 'all')?.n ?? 0,
          byOutcome: byValue(counts, 'outcome', CALL_OUTCOMES),
          byStatus: byValue(counts, 'status'),
        },
      };
    },

    async activity(q: { days: number; limit: number }) {
      const rows = await sql<{
        client_id: string;
        full_name: string;
        business_name: string | null;
        id: string;
        call_sid: string | null;
        phone: string;
        status: string;
        start_time: Date;
        duration: number | null;
        outcome: string | null;
      }>(
        `select c.client_id, k.full_name, k.business_name, c.id, c.call_sid, c.phone, c.status, c.start_time,
                c.duration, c.outcome
           from caller_call c join caller_client k on k.id = c.client_id
          where c.start_time > now() - (? * interval '1 day')
          order by c.start_time desc, c.id desc limit ?`,
        [q.days, q.limit],
      );
      return {
        period: `${q.days} days`,
        count: rows.length,
        activities: rows.map((r) => ({
          clientId: r.client_id,
          clientName: r.full_name,
          businessName: r.business_name,
          callId: r.id,
          callSid: r.call_sid,
          phone: r.phone,
          status: r.status,
          startTime: iso(r.start_time),
          duration: r.duration,
          outcome: r.outcome ?? 'unknown',
        })),
      };
    },

    async clientStats(clientId: string) {
      const [[client], counts] = await Promise.all([
        sql<{ id: string }>('select id from caller_client where id = ?', [clientId]),
        countsOf(clientId),
      ]);
      if (!client) throw notFound('client', 'Client not found');
      const all = counts.find((c) => c.dimension === 'all');
      const withDuration = counts.filter((c) => c.dimension === 'status' && c.value === 'completed');
      const totalDuration = Number(all?.duration ?? 0);
      const completed = withDuration[0]?.n ?? 0;
      return {
        clientId,
        stats: {
          totalCalls: all?.n ?? 0,
          callsByStatus: byValue(counts, 'status'),
          callsByOutcome: byValue(counts, 'outcome', CALL_OUTCOMES),
          callsBySentiment: byValue(counts, 'sentiment', CALL_SENTIMENTS),
          totalDuration,
          averageDuration: completed ? Math.round(totalDuration / completed) : 0,
        },
      };
    },
  };
}

export type StatsService = ReturnType<typeof createStatsService>;
