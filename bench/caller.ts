import type pg from 'pg';
import Koa from 'koa';
import type { Client } from '@temporalio/client';
import { fmt, measure, measureInTurns, type Stats } from './stats.ts';
import { printHistoryGaps } from './diag.ts';

/**
 * Caller (spec 003) on BENCH_CALLS calls (1,000,000 by default; half of them one
 * busy client's): call history first and deep pages, dashboard, a client's call
 * stats, and make-call end to end, each against a floor measured in the same run.
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const CLIENTS = 1000;
const log = (m: string) => console.error(`[bench] ${m}`);
type Sql = (q: string, p?: unknown[]) => Promise<unknown>;

export async function seedCalls(sql: Sql): Promise<void> {
  log(`seeding ${CALLS.toLocaleString()} caller calls`);
  await sql(
    `insert into caller_client (id, agent_id, twilio_phone_number, full_name, email, phone, secret_hash)
     select 'bcl-' || g, 'agent_' || (g % 7), '+1800555' || lpad(g::text, 4, '0'), 'Client ' || g,
            'client' || g || '@bench.example', '+1212555' || lpad(g::text, 4, '0'), 'x'
       from generate_series(1, ?) g`,
    [CLIENTS],
  );
  // The counters are built in one statement afterwards: a row trigger per million inserts would dominate.
  await sql(`alter table caller_call disable trigger caller_call_counts`);
  await sql(
    `insert into caller_call (id, client_id, call_sid, request_id, phone, from_number, agent_id, start_time,
       duration, status, outcome, sentiment)
     select 'bc-' || g, 'bcl-' || case when g % 2 = 0 then 1 else 1 + g % ? end, null, 'r' || g,
            '+1646555' || lpad((g % 10000)::text, 4, '0'), '+18005550001', 'agent_1',
            now() - (g * interval '1 second'), 30 + g % 600,
            (array['completed','completed','no-answer','failed'])[1 + g % 4],
            (array['interested','not-interested','callback','unavailable','unknown'])[1 + g % 5],
            (array['positive','neutral','negative','unknown'])[1 + g % 4]
       from generate_series(1, ?) g`,
    [CLIENTS, CALLS],
  );
  await sql(`alter table caller_call enable trigger caller_call_counts`);
  for (const [dim, expr] of [
    ['status', 'status'],
    ['outcome', "coalesce(nullif(outcome, ''), 'unknown')"],
    ['sentiment', "coalesce(nullif(sentiment, ''), 'unknown')"],
    ['all', "'all'"],
  ] as const)
    await sql(
      `insert into caller_call_count (client_id, dimension, value, n, duration)
       select k, '${dim}', v, count(*), coalesce(sum(duration), 0)
         from (select client_id as k, ${expr} as v, duration from caller_call
               union all select '*', ${expr}, duration from caller_call) x
        group by 1, 3`,
    );
  await sql(
    `insert into caller_call_hourly (hour, n)
     select date_trunc('hour', start_time), count(*) from caller_call group by 1`,
  );
  await sql('vacuum analyze');
}

/** The least a Koa route can do for a history page: the same 50 rows of one client, one pg query. */
export function callsFloorApp(pool: pg.Pool): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    const { rows } = await pool.query(
      `select * from caller_call where client_id = $1 order by start_time desc, id desc limit 51`,
      [String(ctx.query.client ?? 'bcl-1')],
    );
    ctx.body = { callHistory: rows.slice(0, 50) };
  });
  return app;
}

function row(name: string, s: Stats, floor: Stats, target: string) {
  console.log(
    `${name.padEnd(48)} p50 ${fmt(s.p50).padStart(10)}  p99 ${fmt(s.p99).padStart(10)}  ` +
      `${(s.p50 / floor.p50).toFixed(2)}× (${target})`,
  );
}

export async function callerReport(deps: {
  sql: Sql;
  apiUrl: string;
  floorUrl: string;
  client: Client;
  reads: number;
  runs: number;
}) {
  const { apiUrl, reads } = deps;
  const login = async (path: string, body: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const admin = {
    Authorization: `Bearer ${await login('/auth/admin/login', { username: 'bench', password: 'bench-password' })}`,
  };
  const get = async (path: string) => {
    const res = await fetch(`${apiUrl}${path}`, { headers: admin });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  console.log(`\nCaller (spec 003) on ${CALLS.toLocaleString()} calls (half of them client bcl-1's)\n`);
  const floor = await measure(reads, 100, async () => {
    await (await fetch(`${deps.floorUrl}/?client=bcl-1`)).arrayBuffer();
  });
  console.log(`${'floor: bare Koa + pg, the same 50 calls'.padEnd(48)} p50 ${fmt(floor.p50).padStart(10)}`);
  const first = await measure(reads, 100, () => get('/admin/clients/bcl-1/calls?limit=50').then(() => undefined));
  row('GET /admin/clients/:id/calls (first page)', first, floor, 'target ≤ 2×');
  const [at] = (await deps.sql(
    `select id, start_time from caller_call where client_id = 'bcl-1'
      order by start_time desc, id desc offset ? limit 1`,
    [Math.floor(CALLS * 0.45)],
  )) as { id: string; start_time: Date }[];
  const cursor = Buffer.from(JSON.stringify([new Date(at.start_time).toISOString(), at.id])).toString('base64url');
  const deep = await measure(reads, 100, () =>
    get(`/admin/clients/bcl-1/calls?limit=50&cursor=${cursor}`).then(() => undefined),
  );
  row(`… page at row ${Math.floor(CALLS * 0.45).toLocaleString()} vs first`, deep, first, 'target ≤ 1.5×');
  const dashboard = await measure(reads, 100, () => get('/admin/dashboard').then(() => undefined));
  row('GET /admin/dashboard', dashboard, floor, 'target ≤ 3×');
  // A client token for the busiest client: reset its secret, sign in.
  const reset = await fetch(`${apiUrl}/admin/clients/bcl-1/reset-secret`, { method: 'POST', headers: admin });
  const secret = ((await reset.json()) as { client: { clientSecret: string } }).client.clientSecret;
  const clientAuth = { Authorization: `Bearer ${await login('/auth/login', { clientId: 'bcl-1', secret })}` };
  const stats = await measure(reads, 100, async () => {
    const res = await fetch(`${apiUrl}/secure/call-stats`, { headers: clientAuth });
    if (res.status !== 200) throw new Error(`call-stats answered ${res.status}`);
    await res.arrayBuffer();
  });
  row('GET /secure/call-stats (500,000 calls)', stats, floor, 'target ≤ 3×');

  // The floor and the operation in turns, so both meet the same background.
  let lastCall = '';
  const [shape, call] = await measureInTurns(deps.runs, 5, [
    async (i) => {
      await deps.client.workflow.execute('local1Activity1Workflow', {
        workflowId: `bench-call-shape-${i}-${Date.now()}`,
        taskQueue: 'bench-floor',
      });
    },
    async (i) => {
      lastCall = `bench-${Date.now()}-${i}`;
      const res = await fetch(`${apiUrl}/admin/clients/bcl-${2 + (i % 900)}/make-call`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json', 'idempotency-key': lastCall },
        body: JSON.stringify({ phone: '+12125551234' }),
      });
      if (res.status !== 200) throw new Error(`make-call answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    },
  ]);
  row('floor: 1 local activity + 1 activity', shape, shape, '1');
  row('POST make-call (end to end, Twilio mock)', call, shape, 'target ≤ 1.3× local+activity');
  if (process.env.BENCH_DIAG) {
    const [last] = (await deps.sql('select workflow_id from caller_call where request_id = ?', [lastCall])) as {
      workflow_id: string;
    }[];
    if (last) await printHistoryGaps(deps.client, last.workflow_id);
  }
  return {
    calls_first_ratio: +(first.p50 / floor.p50).toFixed(2),
    calls_deep_ratio: +(deep.p50 / first.p50).toFixed(2),
    dashboard_ratio: +(dashboard.p50 / floor.p50).toFixed(2),
    call_stats_ratio: +(stats.p50 / floor.p50).toFixed(2),
    make_call_ratio: +(call.p50 / shape.p50).toFixed(2),
  };
}
