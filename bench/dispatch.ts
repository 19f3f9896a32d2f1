import type pg from 'pg';
import Koa from 'koa';
import type { Client } from '@temporalio/client';
import { fmt, measure, measureInTurns, type Stats } from './stats.ts';
import { printHistoryGaps } from './diag.ts';

/**
 * Dispatch (spec 002) on BENCH_ORDERS orders (1,000,000 by default): the orders
 * list, a deep cursor, `q` search, the analytics summary, and assignment and
 * refund end to end, each against a floor measured in the same run.
 */
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const log = (m: string) => console.error(`[bench] ${m}`);

type Sql = (q: string, p?: unknown[]) => Promise<unknown>;

export async function seedOrders(sql: Sql): Promise<void> {
  log(`seeding ${ORDERS.toLocaleString()} dispatch orders`);
  await sql(
    `insert into dispatch_customer (id, name, email)
     select 'bc-' || g, 'Customer ' || g, 'customer' || g || '@example.com' from generate_series(1, 50000) g`,
  );
  await sql(
    `insert into driver (id, user_id, name, email, status, onboarding_status, rating, area, base_lat, base_lng,
       max_daily_jobs)
     select 'bd-' || g, 'bu-' || g, 'Driver ' || g, 'driver' || g || '@example.com', 'active', 'approved',
            3 + (g % 20) / 10.0, (array['london','manchester','birmingham','leeds'])[1 + g % 4],
            51.5 + (g % 7) * 0.01, -0.12 - (g % 5) * 0.01, 1000
       from generate_series(1, 200) g`,
  );
  await sql(
    `insert into driver_vehicle (id, driver_id, make, model, reg, weight_class)
     select 'bv-' || g, 'bd-' || g, 'Ford', 'Transit', 'BV' || g, '3.5t' from generate_series(1, 200) g`,
  );
  // The aggregates are built in one statement afterwards: a row trigger per million inserts would dominate.
  await sql(`alter table dispatch_order disable trigger dispatch_order_stats`);
  await sql(
    `insert into dispatch_order (id, code, status, pickup_address, dropoff_address, pickup_lat, pickup_lng,
       dropoff_lat, dropoff_lng, area, preferred_date, time_slot, van_size, amount_pence, payment_status,
       customer_id, customer_name, customer_email, created_at, updated_at)
     select 'bo-' || g, 'SV' || lpad(g::text, 7, '0'),
            (array['pending','assigned','in_progress','completed','cancelled'])[1 + g % 5],
            (g % 997) || ' High Street, Town ' || (g % 311), (g % 991) || ' Station Road, City ' || (g % 293),
            51.5, -0.12, 51.55, -0.1, (array['london','manchester','birmingham','leeds'])[1 + g % 4],
            date '2030-01-01' + (g % 3000), (array['morning','afternoon','evening'])[1 + g % 3], 'medium',
            3000 + g % 9000, case when g % 5 = 0 then 'pending' else 'paid' end, 'bc-' || (1 + g % 50000),
            'Customer ' || (1 + g % 50000), 'customer' || (1 + g % 50000) || '@example.com',
            now() - (g * interval '2 seconds'), now()
       from generate_series(1, ?) g`,
    [ORDERS],
  );
  await sql(`alter table dispatch_order enable trigger dispatch_order_stats`);
  await sql(
    `insert into dispatch_hourly_stats (hour, area, bookings, revenue_pence, pending, assigned, in_progress,
       completed, cancelled)
     select date_trunc('hour', created_at), area, count(*),
            sum(case when payment_status = 'paid' and status <> 'cancelled' then amount_pence else 0 end),
            count(*) filter (where status = 'pending'), count(*) filter (where status = 'assigned'),
            count(*) filter (where status = 'in_progress'), count(*) filter (where status = 'completed'),
            count(*) filter (where status = 'cancelled')
       from dispatch_order group by 1, 2`,
  );
  await sql(
    `insert into dispatch_payment (id, order_id, amount_pence, status, stripe_payment_intent)
     select 'bp-' || g, 'bo-' || g, 100000, 'paid', 'pi_bench_' || g from generate_series(1, 2000) g`,
  );
  await sql('vacuum analyze');
}

function row(name: string, s: Stats, floor: Stats, target: string) {
  console.log(
    `${name.padEnd(48)} p50 ${fmt(s.p50).padStart(10)}  p99 ${fmt(s.p99).padStart(10)}  ` +
      `${(s.p50 / floor.p50).toFixed(2)}× (${target})`,
  );
}

/** The least a Koa route can do for the orders page: the same rows, one pg query, no auth, no validation. */
export function ordersFloorApp(pool: pg.Pool): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    const { rows } = await pool.query(
      `select o.*, d.name as driver_name from dispatch_order o left join driver d on d.id = o.driver_id
        where o.status = $1 order by o.created_at desc, o.id desc limit 51`,
      [String(ctx.query.status ?? 'assigned')],
    );
    ctx.body = { items: rows.slice(0, 50) };
  });
  return app;
}

export async function dispatchReport(deps: {
  sql: Sql;
  apiUrl: string;
  floorUrl: string;
  auth: Record<string, string>;
  client: Client;
  reads: number;
  runs: number;
}) {
  const { apiUrl, auth, reads } = deps;
  const get = async (path: string) => {
    const res = await fetch(`${apiUrl}${path}`, { headers: auth });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  console.log(`\nDispatch (spec 002) on ${ORDERS.toLocaleString()} orders\n`);
  const listFloor = await measure(reads, 100, async () => {
    await (await fetch(`${deps.floorUrl}/?status=assigned`)).arrayBuffer();
  });
  console.log(
    `${'floor: bare Koa + pg, the same 50 filtered orders'.padEnd(48)} p50 ${fmt(listFloor.p50).padStart(10)}`,
  );
  const list = await measure(reads, 100, () => get('/api/admin/orders?status=assigned').then(() => undefined));
  row('GET /orders?status=assigned (first page)', list, listFloor, 'target ≤ 2×');
  const [at] = (await deps.sql(
    `select id, created_at from dispatch_order order by created_at desc, id desc offset ? limit 1`,
    [Math.floor(ORDERS * 0.9)],
  )) as { id: string; created_at: Date }[];
  const cursor = Buffer.from(JSON.stringify([new Date(at.created_at).toISOString(), at.id])).toString('base64url');
  const first = await measure(reads, 100, () => get('/api/admin/orders').then(() => undefined));
  const deep = await measure(reads, 100, () => get(`/api/admin/orders?cursor=${cursor}`).then(() => undefined));
  row(`GET /orders (page at row ${Math.floor(ORDERS * 0.9).toLocaleString()}) vs first`, deep, first, 'target ≤ 1.5×');
  const q = (label: string, text: (i: number) => string) =>
    measure(reads, 100, (i) => get(`/api/admin/orders?q=${encodeURIComponent(text(i))}`).then(() => undefined)).then(
      (st) => {
        row(`GET /orders?q=<${label}>`, st, listFloor, 'target ≤ 3×');
        return st;
      },
    );
  const byEmail = await q('a customer email', (i) => `customer${1 + (i % 50000)}@example.com`);
  const byCode = await q('an order code', (i) => `SV${String(1 + ((i * 7919) % 1_000_000)).padStart(7, '0')}`);
  const byText = await q('a customer name, as a substring', (i) => `Customer ${1 + (i % 50000)}`);
  const analytics = await measure(Math.ceil(reads / 4), 20, () =>
    get('/api/admin/analytics/summary?range=30d').then(() => undefined),
  );
  row('GET /analytics/summary?range=30d', analytics, listFloor, 'target ≤ 3×');

  // Durable operations against the bare workflow of the same shape, each pair measured in turns.
  const floorRun = (type: string) => async (i: number) => {
    await deps.client.workflow.execute(type, {
      workflowId: `bench-${type}-${i}-${Date.now()}`,
      taskQueue: 'bench-floor',
    });
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { ...auth, ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  // Pending orders on distinct days and drivers: each assignment books a free slot.
  const [local1, assign] = await measureInTurns(deps.runs, 5, [
    floorRun('local1Workflow'),
    (i) =>
      post(`/api/admin/orders/SV${String(5 * (i + 1)).padStart(7, '0')}/assign`, { driverId: `bd-${1 + (i % 200)}` }),
  ]);
  row('floor: 1 local activity', local1, local1, '1');
  row('POST /orders/:code/assign (end to end)', assign, local1, 'target ≤ 1.3× a 1-local-activity workflow');
  const [refundShape, refund] = await measureInTurns(deps.runs, 5, [
    floorRun('refundShapeWorkflow'),
    (i) =>
      post(
        '/api/admin/refunds',
        { paymentId: `bp-${i + 1}`, amount: 100, reason: 'other' },
        { 'Idempotency-Key': `bench-${Date.now()}-${i}` },
      ),
  ]);
  row('floor: local + activity + local', refundShape, refundShape, '1');
  row('POST /refunds (end to end, stripe-mock)', refund, refundShape, 'target ≤ 1.3× local+activity+local');
  if (process.env.BENCH_DIAG) {
    const last = (await deps.sql(
      `select (select workflow_id from dispatch_assignment order by created_at desc limit 1) as assign,
              (select workflow_id from dispatch_refund order by created_at desc limit 1) as refund`,
    )) as { assign: string; refund: string }[];
    await printHistoryGaps(deps.client, last[0].assign);
    await printHistoryGaps(deps.client, last[0].refund);
  }
  return {
    orders_list_ratio: +(list.p50 / listFloor.p50).toFixed(2),
    orders_deep_ratio: +(deep.p50 / first.p50).toFixed(2),
    orders_q_email_ratio: +(byEmail.p50 / listFloor.p50).toFixed(2),
    orders_q_code_ratio: +(byCode.p50 / listFloor.p50).toFixed(2),
    orders_q_text_ratio: +(byText.p50 / listFloor.p50).toFixed(2),
    analytics_ratio: +(analytics.p50 / listFloor.p50).toFixed(2),
    assign_ratio: +(assign.p50 / local1.p50).toFixed(2),
    refund_ratio: +(refund.p50 / refundShape.p50).toFixed(2),
  };
}
