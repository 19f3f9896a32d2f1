import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import pg from 'pg';
import { Worker } from '@temporalio/worker';
import { loadConfig, temporalEndpoint } from '../src/platform/config.ts';
import { migrate } from '../src/platform/db/orm.ts';
import { MODULES, openAppOrm } from '../src/modules.ts';
import { operationPolicies } from '../src/platform/module.ts';
import { generateApiKey, upsertOperatorKey } from '../src/platform/auth/api-keys.ts';
import { createLogger } from '../src/platform/observability/logger.ts';
import { connectTemporal } from '../src/platform/temporal/client.ts';
import { connectNative } from '../src/platform/temporal/connection.ts';
import { pgConnection } from '../src/platform/db/pg-tls.ts';
import { ensureDatabase, startEphemeralServices } from '../src/platform/launch/ephemeral-services.ts';
import { MOCK_CREDENTIALS, startStripeMock, startTwilioMock } from '../src/platform/launch/api-mocks.ts';
import { buildApi } from '../src/api.ts';
import { upsertOperatorAccount } from '../src/platform/auth/operator-accounts.ts';
import { openRateLimiter } from '../src/platform/ratelimit/rate-limit.ts';
import { openNotifications } from '../src/platform/db/notifications.ts';
import { createIdempotencyStore, payloadHash } from '../src/platform/idempotency/idempotency.store.ts';
import { createActivities } from '../activities/index.ts';
import { workflowsPath } from '../workers/ops.worker.ts';
import { floorActivities } from './floor.activities.ts';
import { fmt, measure, measureInTurns, type Stats } from './stats.ts';
import * as wf from './workflows.ts';
import { startTestWorker } from '../tests/support/worker-process.ts';
import { printHistoryGaps } from './diag.ts';
import { clientDeleteWorkflowId } from '../src/cockpit/client-delete.contract.ts';
import { freePort } from '../src/platform/launch/free-port.ts';
import { dispatchReport, ordersFloorApp, seedOrders } from './dispatch.ts';
import { callerReport, callsFloorApp, seedCalls } from './caller.ts';
import { runsBenchEnabled, runsReport } from './runs.ts';
import { startRunIndexer } from '../src/runs/run-index.ts';

/**
 * `npm run bench` / `./ops bench`: cockpit latency against floors measured in the
 * same run on the same machine. Not a test: it prints numbers and ratios.
 */
/** `./ops bench workflows`: the engine's floors and the durable operations' table of record (bench/workflows.ts). */
const WORKFLOWS_MODE = process.argv[2] === 'workflows';
const ALERT_ROWS = Number(process.env.BENCH_ALERT_ROWS ?? (WORKFLOWS_MODE ? 10_000 : 1_000_000));
const READS = Number(process.env.BENCH_READS ?? 2000);
const DELETES = Number(process.env.BENCH_DELETES ?? 40);
const SUPPORT_CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? (WORKFLOWS_MODE ? 0 : 100_000));
const DISPATCH = !WORKFLOWS_MODE && process.env.BENCH_ORDERS !== '0';
const CALLER = !WORKFLOWS_MODE && process.env.BENCH_CALLS !== '0';
const log = (m: string) => console.error(`[bench] ${m}`);

async function listen(app: Koa): Promise<{ url: string; close: () => void }> {
  const port = await freePort();
  const server = app.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

function row(name: string, s: Stats, floor?: Stats) {
  const ratio = floor
    ? `  p50 ratio ${(s.p50 / floor.p50).toFixed(2)}x  p99 ratio ${(s.p99 / floor.p99).toFixed(2)}x`
    : '';
  console.log(
    `${name.padEnd(44)} n=${String(s.n).padStart(5)}  p50 ${fmt(s.p50).padStart(10)}  p99 ` +
      `${fmt(s.p99).padStart(10)}${ratio}`,
  );
}

async function main() {
  const stops: (() => Promise<void> | void)[] = [];
  try {
    const engines = WORKFLOWS_MODE ? await engineFloors(stops) : null;
    const services = await startEphemeralServices('bench', log);
    stops.push(() => services.stop());
    const { temporalAddress } = services;
    const databaseUrl = await ensureDatabase(services.adminUrl, `ops_bench_${Date.now().toString(36)}`);

    const [stripeMock, twilioMock] = await Promise.all([startStripeMock(), startTwilioMock()]);
    stops.push(
      () => stripeMock.stop(),
      () => twilioMock.stop(),
    );
    const controlKey = generateApiKey();
    const config = loadConfig({
      ...process.env,
      ...MOCK_CREDENTIALS,
      STRIPE_API_BASE: stripeMock.url,
      TWILIO_API_BASE: twilioMock.url,
      OPS_KEY_ADMIN: controlKey,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: 'bench-ops',
      LOG_LEVEL: 'warn',
      // The bench measures latency, not spec 002's per-operator budgets (the suite tests those).
      DISPATCH_RATE_PER_MINUTE: '100000000',
      CALLER_JWT_SECRET: 'bench-caller-jwt-secret-0123456789abcdef',
      // The Twilio mock refuses StatusCallbackEvent (see the caller section of the README).
      CALLER_STATUS_EVENTS: 'none',
      DISPATCH_ANALYTICS_RATE_PER_MINUTE: '100000000',
      CALLER_CALLS_PER_MINUTE: '100000000',
    });
    const logger = createLogger('error');
    const orm = await openAppOrm(databaseUrl, 10);
    stops.push(() => orm.close());
    await migrate(orm, databaseUrl);
    const key = generateApiKey();
    await upsertOperatorKey(orm.em.fork(), 'bench', key, 'admin');

    log(`seeding ${ALERT_ROWS.toLocaleString()} alert rows and ${DELETES} deletable clients`);
    const conn = orm.em.getConnection();
    await conn.execute(
      `insert into client (id, business_name, onboarding_complete) select 'client-' || g, 'Business ' || g, g % 2 =
        0 from generate_series(1, 10000) g`,
    );
    await conn.execute(
      `insert into onboarding_state (id, client_id, current_step, last_progress_at) select 'onb-' || g, 'client-'
        || g, 'S2', now() from generate_series(1, 10000) g`,
    );
    await conn.execute(
      `insert into alert_log (id, created_at, alert_type, alert_key, severity, resource_id, delivered_at, channel,
        metadata, resolved_at)
       select 'alr-' || g, now() - (g || ' seconds')::interval,
              (array['STUCK_CLIENT','PAYMENT_BLOCK','POOL_EMPTY'])[1 + g % 3], 'k' || g,
              (array['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4], 'client-' || (1 + g % 10000), now(), 'sms',
                '{}', now()
         from generate_series(1, ?) g`,
      [ALERT_ROWS],
    );
    await conn.execute(
      `insert into client (id, business_name, ops_alerts_muted) select 'del-' || g, 'Delete Me ' || g, true from
        generate_series(1, ?) g`,
      [DELETES + 5],
    );
    for (const table of ['customer', 'lead', 'booking']) {
      const cols =
        table === 'booking'
          ? `(id, client_id, customer_name, starts_at, status) select 'b-' || c || '-' || i, 'del-' || c, 'x',
            now(), 'OK'`
          : table === 'lead'
            ? `(id, client_id, name, source) select 'l-' || c || '-' || i, 'del-' || c, 'x', 'web'`
            : `(id, client_id, name) select 'c-' || c || '-' || i, 'del-' || c, 'x'`;
      await conn.execute(
        `insert into ${table} ${cols} from generate_series(1, ${DELETES + 5}) c, generate_series(1, 5) i`,
      );
    }
    if (SUPPORT_CONVERSATIONS) {
      log(
        `seeding ${SUPPORT_CONVERSATIONS.toLocaleString()} conversations with ${(
          SUPPORT_CONVERSATIONS * 10
        ).toLocaleString()} messages`,
      );
      await conn.execute(
        `insert into conversation (id, client_id, customer_name, channel, status, created_at, updated_at)
         select 'sc-' || g, 'client-' || (1 + g % 10000), 'Customer ' || g, 'web', 'active', now() - interval '30
           days', now() - (g || ' seconds')::interval
           from generate_series(1, ?) g`,
        [SUPPORT_CONVERSATIONS],
      );
      await conn.execute(
        `insert into message (id, client_id, conversation_id, role, content, created_at)
         select 'sm-' || g || '-' || k, 'client-' || (1 + g % 10000), 'sc-' || g, case when k % 2 = 0 then 'user'
           else 'assistant' end, 'message ' || k, now() - interval '30 days' + k * interval '1 minute'
           from generate_series(1, ?) g, generate_series(1, 10) k`,
        [SUPPORT_CONVERSATIONS],
      );
      await upsertOperatorAccount(orm.em.fork(), 'bench', 'bench-password');
    }
    if (DISPATCH) await seedOrders((q, p) => conn.execute(q, p ?? []));
    if (CALLER) {
      await seedCalls((q, p) => conn.execute(q, p ?? []));
      await upsertOperatorAccount(orm.em.fork(), 'bench', 'bench-password');
    }
    await conn.execute('vacuum analyze');

    // Worker: the real workflows and activities, plus the floor workflow. The ops
    // worker runs as its own process, as in production, unless BENCH_WORKER=inline
    // (then in this process, where BENCH_DIAG can time each activity).
    const temporal = await connectTemporal({
      endpoint: temporalEndpoint(config),
      namespace: 'default',
      taskQueue: 'bench-ops',
    });
    stops.unshift(() => temporal.close());
    const nativeConnection = await connectNative(temporalEndpoint(config));
    const inline = process.env.BENCH_WORKER === 'inline';
    const opsWorker = inline
      ? await Worker.create({
          connection: nativeConnection,
          taskQueue: 'bench-ops',
          workflowsPath,
          activities: timed(
            createActivities({ orm, logger, config, client: temporal.client, operations: operationPolicies(MODULES) }),
          ),
        })
      : null;
    if (!inline) {
      const child = await startTestWorker({
        databaseUrl,
        temporalAddress,
        taskQueue: 'bench-ops',
        stripeApiBase: stripeMock.url,
        twilioApiBase: twilioMock.url,
      });
      stops.unshift(async () => {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      });
    }
    if (inline) {
      // The child worker keeps the run index; in this process, this one does.
      stops.unshift(startRunIndexer({ orm, client: temporal.client, config, logger }).stop);
    }
    const floorWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'bench-floor',
      workflowsPath: fileURLToPath(new URL('./floor.workflow.ts', import.meta.url)),
      activities: floorActivities,
    });
    const running = Promise.all([opsWorker?.run(), floorWorker.run()]);
    stops.unshift(async () => {
      opsWorker?.shutdown();
      floorWorker.shutdown();
      await running;
      await nativeConnection.close();
    });

    const limiter = openRateLimiter(databaseUrl, config.auth.limits);
    stops.unshift(() => limiter.close());
    const notifications = openNotifications(databaseUrl, logger);
    stops.unshift(() => notifications.close());
    const api = await listen(buildApi({ config, orm, temporal, logger, limits: limiter, notifications }));
    stops.unshift(api.close);

    // Floor: the least a Koa route can do for the same answer, one indexed read through pg.
    const pool = new pg.Pool({ ...pgConnection(databaseUrl), max: 10 });
    stops.unshift(() => pool.end());
    const bare = new Koa();
    bare.use(async (ctx) => {
      if (ctx.path === '/alerts') {
        const { rows } = await pool.query('select * from alert_log order by created_at desc, id desc limit 51');
        ctx.body = { alerts: rows.slice(0, 50) };
        return;
      }
      const { rows } = await pool.query('select * from client where id = $1', [ctx.path.slice(1)]);
      ctx.body = rows[0];
    });
    const floorApi = await listen(bare);
    stops.unshift(floorApi.close);

    const auth = { Authorization: `Bearer ${key}` };
    const [{ id: deepId, created_at: deepAt }] = (await conn.execute(
      `select id, created_at from alert_log order by created_at desc, id desc offset ? limit 1`,
      [Math.floor(ALERT_ROWS * 0.9)],
    )) as { id: string; created_at: Date }[];
    const deepCursor = Buffer.from(JSON.stringify([new Date(deepAt).toISOString(), deepId])).toString('base64url');

    console.log(
      `\nOps Platform benchmarks (${ALERT_ROWS.toLocaleString()} alert rows, sequential requests over keep-alive)\n`,
    );
    const floor = await measure(READS, 200, (i) => get(`${floorApi.url}/client-${1 + (i % 10000)}`));
    row('floor: bare Koa + pg indexed read', floor);
    if (process.env.BENCH_DIAG) {
      row('diag: GET /healthz through the full app', await measure(READS, 200, () => get(`${api.url}/healthz`)), floor);
      row(
        'diag: 404 behind auth',
        await measure(READS, 200, async () => {
          await (await fetch(`${api.url}/api/admin/x`, { headers: auth })).arrayBuffer();
        }),
        floor,
      );
    }
    row(
      'GET /api/admin/clients/:id',
      await measure(READS, 200, (i) => get(`${api.url}/api/admin/clients/client-${1 + (i % 10000)}`, auth)),
      floor,
    );
    const pageFloor = await measure(READS, 200, () => get(`${floorApi.url}/alerts`));
    row('floor: bare Koa + pg 50-row index range read', pageFloor, floor);
    const first = await measure(READS, 200, () => get(`${api.url}/api/admin/alerts`, auth));
    row('GET /api/admin/alerts (first page)', first, floor);
    const deep = await measure(READS, 200, () => get(`${api.url}/api/admin/alerts?cursor=${deepCursor}`, auth));
    row('GET /api/admin/alerts (page at row 900,000)', deep, floor);
    row(
      'GET /api/admin/alerts?severity=CRITICAL',
      await measure(READS, 200, () => get(`${api.url}/api/admin/alerts?severity=CRITICAL`, auth)),
      floor,
    );
    console.log(`${'deep page / first page'.padEnd(44)} p50 ratio ${(deep.p50 / first.p50).toFixed(2)}x`);
    console.log(`${'first page / 50-row floor'.padEnd(44)} p50 ratio ${(first.p50 / pageFloor.p50).toFixed(2)}x`);

    if (SUPPORT_CONVERSATIONS) {
      const login = await fetch(`${api.url}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const session = { Cookie: cookie };
      console.log('');
      row(
        'GET /admin/api/conversations (first page)',
        await measure(READS, 200, () => get(`${api.url}/admin/api/conversations`, session)),
        floor,
      );
      row('GET /admin/api/stats', await measure(READS, 200, () => get(`${api.url}/admin/api/stats`, session)), floor);
    }

    let dispatchRatios: Record<string, number> = {};
    if (DISPATCH) {
      const ordersFloor = await listen(ordersFloorApp(pool));
      stops.unshift(ordersFloor.close);
      dispatchRatios = await dispatchReport({
        sql: (q, p) => conn.execute(q, p ?? []),
        apiUrl: api.url,
        floorUrl: ordersFloor.url,
        auth,
        client: temporal.client,
        reads: READS,
        runs: DELETES,
      });
    }

    let callerRatios: Record<string, number> = {};
    if (CALLER) {
      const callsFloor = await listen(callsFloorApp(pool));
      stops.unshift(callsFloor.close);
      callerRatios = await callerReport({
        sql: (q, p) => conn.execute(q, p ?? []),
        apiUrl: api.url,
        floorUrl: callsFloor.url,
        client: temporal.client,
        reads: READS,
        runs: DELETES,
      });
    }

    let runsRatios: Record<string, number> = {};
    if (!WORKFLOWS_MODE && runsBenchEnabled()) {
      runsRatios = await runsReport({
        client: temporal.client,
        apiUrl: api.url,
        auth,
        reads: READS,
        get,
        sql: (q, p) => conn.execute(q, p ?? []),
      });
    }

    // Control plane: a full tenant.bootstrap (Stripe and Twilio through their mocks) and a cached replay.
    const runId = Date.now().toString(36);
    const execute = async (body: unknown) => {
      const res = await fetch(`${api.url}/api/internal/ops/execute`, {
        method: 'POST',
        headers: { 'x-book8-internal-secret': controlKey, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`execute answered ${res.status}: ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const bootstrap = (i: number, extra: Record<string, unknown> = {}) => ({
      tool: 'tenant.bootstrap',
      payload: { businessId: `bench-${runId}-${i}`, ...extra },
      meta: { requestId: `bench-${runId}-${i}-${JSON.stringify(extra).length}` },
    });
    await conn.execute('truncate rate_limit');
    // The floor and the operations in turns, so each ratio compares runs that met the same background.
    const [bareRun, deletes, full, fast] = await measureInTurns(DELETES, 5, [
      async (i) => {
        await temporal.client.workflow.execute('bareWorkflow', {
          workflowId: `bench-floor-${i}-${Date.now()}`,
          taskQueue: 'bench-floor',
        });
      },
      async (i) => {
        const res = await fetch(`${api.url}/api/admin/clients/del-${i + 1}`, {
          method: 'DELETE',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ confirmBusinessName: `Delete Me ${i + 1}` }),
        });
        if (res.status !== 200) throw new Error(`DELETE answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      },
      (i) => execute(bootstrap(i)).then(() => undefined),
      (i) => execute(bootstrap(1000 + i, { skipVoiceTest: true, skipBillingCheck: true })).then(() => undefined),
    ]);
    console.log('');
    row('floor: bare one-activity workflow round trip', bareRun);
    row('DELETE /api/admin/clients/:id (end to end)', deletes, bareRun);
    row('POST execute tenant.bootstrap (full)', full, bareRun);
    row('POST execute tenant.bootstrap (skip checks)', fast, bareRun);
    if (process.env.BENCH_DIAG) {
      // Where a deletion's time goes: the gaps between its history events.
      const [{ incarnation }] = (await conn.execute(`select incarnation from client_deletion where client_id = ? `, [
        `del-${DELETES + 4}`,
      ])) as { incarnation: string }[];
      await printHistoryGaps(temporal.client, clientDeleteWorkflowId(`del-${DELETES + 4}`, incarnation));
    }

    await conn.execute('truncate rate_limit');
    const replayBody = bootstrap(0);
    const replay = await measure(250, 20, async () => {
      const r = await execute(replayBody);
      if (!r._meta.cached) throw new Error('replay was not served from the store');
    });
    row('POST execute, cached replay', replay, floor);
    if (process.env.BENCH_DIAG) {
      const store = createIdempotencyStore(() => orm.em.fork(), limiter.pool);
      const who = { actorType: 'bench', actorId: 'bench', ip: null, userAgent: null, requestId: null };
      const hash = payloadHash({
        tool: 'tenant.bootstrap',
        args: { businessId: `bench-${runId}-0`, skipVoiceTest: false, skipBillingCheck: false },
        dryRun: false,
      });
      row(
        "diag: the replay's claim statement alone",
        await measure(READS, 200, async () => {
          await store.claim({
            scope: 'ops.execute:admin',
            key: replayBody.meta.requestId,
            hash,
            workflowId: 'w',
            ttlMs: 1e9,
            budget: { key: 'bench-diag', perMinute: 1e9 },
            replayAudit: {
              who,
              what: { action: 'bench', resourceType: 'tenant', resourceId: null, outcome: 'cached' },
            },
          });
        }),
        floor,
      );
    }
    console.log(`${'full bootstrap p50 (target ≤ 150 ms)'.padEnd(44)} ${fmt(full.p50)}`);
    if (DISPATCH || CALLER || Object.keys(runsRatios).length)
      console.log(JSON.stringify({ ...dispatchRatios, ...callerRatios, ...runsRatios }));
    console.log('');
    if (engines) await workflowsReport(engines, { floor, bare: bareRun, deletes, full, replay });
    for (const [name, xs] of activityTimes) {
      const sorted = [...xs].sort((a, b) => a - b);
      console.log(`diag: activity ${name.padEnd(24)} n=${xs.length} p50 ${fmt(sorted[Math.floor(xs.length / 2)])}`);
    }
  } finally {
    for (const stop of stops) await stop();
  }
}

/** With BENCH_DIAG, how long each activity's own code takes (printed at the end), to tell engine time from work. */
const activityTimes = new Map<string, number[]>();
function timed<A extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: A): A {
  if (!process.env.BENCH_DIAG) return activities;
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        const t0 = performance.now();
        try {
          return await fn(...args);
        } finally {
          activityTimes.set(name, [...(activityTimes.get(name) ?? []), performance.now() - t0]);
        }
      },
    ]),
  ) as A;
}

/** Part one of `./ops bench workflows`: bare workflows on a tuned and a CLI-default dev server. */
async function engineFloors(stops: (() => Promise<void> | void)[]) {
  const tuned = await wf.startEngine('tuned');
  stops.push(() => tuned.stop());
  const plain = await wf.startEngine('cli-defaults');
  console.log(
    `\nWorkflow floors (${process.env.BENCH_WF_N ?? 200} sequential runs each; dev server file-backed as ./ops start ` +
      `runs it)\n`,
  );
  const m = {
    bare1Default: await wf.sequential(plain, 'bareWorkflow', false),
    bare4Default: await wf.sequential(plain, 'bare4Workflow', false),
    local4Default: await wf.sequential(plain, 'local4Workflow', false),
    bare1: await wf.sequential(tuned, 'bareWorkflow', false),
    bare4: await wf.sequential(tuned, 'bare4Workflow', false),
    local4: await wf.sequential(tuned, 'local4Workflow', false),
    bare1Eager: await wf.sequential(tuned, 'bareWorkflow', true),
  };
  await plain.stop();
  wf.row('CLI defaults: 1 activity', m.bare1Default);
  wf.row('CLI defaults: 4 activities', m.bare4Default);
  wf.row('CLI defaults: 4 local activities', m.local4Default);
  wf.row('launcher settings: 1 activity', m.bare1, m.bare1Default);
  wf.row('launcher settings: 4 activities', m.bare4, m.bare4Default);
  wf.row('launcher settings: 4 local activities', m.local4, m.local4Default);
  wf.row('launcher settings: 1 activity, eager start', m.bare1Eager, m.bare1);
  // The platform's own runs go to the tuned server too.
  process.env.TEMPORAL_ADDRESS = tuned.server.address;
  return { tuned, m };
}

/** Part two: the platform's operations against those floors, throughput, and the JSON line of record. */
async function workflowsReport(
  engines: Awaited<ReturnType<typeof engineFloors>>,
  ops: { floor: Stats; bare: Stats; deletes: Stats; full: Stats; replay: Stats },
) {
  const { tuned, m } = engines;
  const tp = await wf.throughput(tuned, false);
  const tpEager = await wf.throughput(tuned, true);
  // The same in memory: what the bound looks like without an fsync per commit.
  const memory = await wf.startEngine('tuned', 'memory');
  const tpMemory = await wf.throughput(memory, false);
  await memory.stop();
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`\nDurable operations (p50, ratio to its floor measured above)\n`);
  console.log(
    `bare 1 activity vs CLI defaults                      ${fmt(m.bare1.p50)} / ${fmt(m.bare1Default.p50)} = ` +
      `${ratio(m.bare1.p50, m.bare1Default.p50)} (target ≤ 0.25×)`,
  );
  console.log(
    `tenant.bootstrap end to end vs bare 1 activity       ${fmt(ops.full.p50)} / ${fmt(ops.bare.p50)} = ` +
      `${ratio(ops.full.p50, ops.bare.p50)} (target ≤ 1.2×; the floor measured in turns with it)`,
  );
  console.log(
    `DELETE client end to end vs bare 1 activity          ${fmt(ops.deletes.p50)} / ${fmt(ops.bare.p50)} = ` +
      `${ratio(ops.deletes.p50, ops.bare.p50)} (target ≤ 1.3×)`,
  );
  console.log(
    `cached replay vs Koa+pg read floor                   ${fmt(ops.replay.p50)} = ${ratio(
      ops.replay.p50,
      ops.floor.p50,
    )} (target ≤ 2×)`,
  );
  for (const [label, t] of [
    ['', tp],
    [', eager start', tpEager],
    [', in-memory server', tpMemory],
  ] as const) {
    console.log(
      `throughput, 50 starters${label}`.padEnd(53) +
        `${t.wfps.toFixed(1)} wf/s = ${((100 * t.wfps) / t.cpuBound).toFixed(0)} % of the CPU bound ` +
        `${t.cpuBound.toFixed(1)} wf/s ` +
        `(CPU per workflow: Node ${t.nodeMsPerWf.toFixed(1)} ms, server ${t.serverMsPerWf.toFixed(1)} ms)`,
    );
  }
  console.log(
    JSON.stringify({
      bare1_p50_ms: +m.bare1.p50.toFixed(2),
      bare1_default_p50_ms: +m.bare1Default.p50.toFixed(2),
      bare1_eager_p50_ms: +m.bare1Eager.p50.toFixed(2),
      bare4_p50_ms: +m.bare4.p50.toFixed(2),
      local4_p50_ms: +m.local4.p50.toFixed(2),
      bare1_in_turns_p50_ms: +ops.bare.p50.toFixed(2),
      bootstrap_p50_ms: +ops.full.p50.toFixed(2),
      delete_p50_ms: +ops.deletes.p50.toFixed(2),
      replay_p50_ms: +ops.replay.p50.toFixed(2),
      read_floor_p50_ms: +ops.floor.p50.toFixed(2),
      wfps: +tp.wfps.toFixed(1),
      wfps_cpu_bound: +tp.cpuBound.toFixed(1),
      wfps_memory: +tpMemory.wfps.toFixed(1),
      wfps_memory_cpu_bound: +tpMemory.cpuBound.toFixed(1),
      wfps_eager: +tpEager.wfps.toFixed(1),
      wfps_eager_cpu_bound: +tpEager.cpuBound.toFixed(1),
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
