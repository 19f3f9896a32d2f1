import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/context.ts';
import { CONTROL_KEYS } from '../support/env.ts';
import { uniqueId } from '../support/factories.ts';
import { budgetRowKey } from '../../src/platform/ratelimit/rate-limit.ts';
import { opsBudgetKey } from '../../src/control/ops-execute.contract.ts';
import { executeExample, importExamples, type N8nInstance } from '../../src/platform/launch/n8n-setup.ts';
import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { runsOf } from '../support/temporal.ts';
import { operatorKeyWith, seedOrder } from '../support/dispatch.ts';
import { seedClient } from '../support/factories.ts';
import { callsSince, startAnswerLosingProxy } from '../support/recording-proxy.ts';
import { adminToken, createClient } from '../support/caller.ts';
import { upsertOperatorAccount } from '../../src/platform/auth/operator-accounts.ts';

// The examples in a real n8n (the version ./ops pins), executed with `n8n execute` against this
// test platform. What is asserted is what the platform saw and did.
const bin = process.env.N8N_BIN;
const folders: string[] = [];
let t: TestContext;
let apiUrl: string;
let n8n: N8nInstance;
let operatorKey: string;

const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ops-n8n-test-'));
  folders.push(dir);
  return dir;
};
const audits = (requestId: string) =>
  t.sql<{ outcome: string; error: string | null; action: string }>(
    `select outcome, after ->> 'error' as error, action from audit_event
      where after ->> 'requestId' = ? and action like 'ops.%' order by id`,
    [requestId],
  );
/** What the platform did for one requestId of the n8n key: its run(s) and its stored answer(s). */
const platformSaw = async (requestId: string) => ({
  runs: (await runsOf(t.temporal.client, opsWorkflowId('n8n', requestId))).length,
  stored: (await t.sql(`select 1 from idempotency_record where key = ?`, [requestId])).length,
  succeeded: (await audits(requestId)).filter((a) => a.outcome === 'success').length,
});
/** One example alone in a new n8n data folder (so a new instance), with its Input node's values set. */
const oneFlow = (
  file: string,
  inputs?: Record<string, string>,
  extra: Partial<Parameters<typeof importExamples>[2]> = {},
) =>
  importExamples(bin!, folder(), {
    apiUrl,
    key: CONTROL_KEYS.n8n,
    only: [file],
    ...(inputs ? { inputs: { [file]: inputs } } : {}),
    ...extra,
  });
const requestIdOf = (run: { raw: unknown }, node: string) =>
  (JSON.stringify(run.raw).match(new RegExp(`n8n-[A-Za-z0-9]+-\\d+-${node}`)) ?? [null])[0];

beforeAll(async () => {
  if (!bin) throw new Error('N8N_BIN is not set: run the n8n tier through ./ops test, which installs n8n');
  t = await createTestContext();
  apiUrl = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  const dir = folder();
  // What ./ops start mints for n8n: role operator (the cockpit flow reads, the dispatch flow refunds).
  operatorKey = await operatorKeyWith(t, 'operator');
  n8n = await importExamples(bin, dir, { apiUrl, key: CONTROL_KEYS.n8n, operatorKey });
  // The key was on disk only while n8n imported it.
  expect(existsSync(join(dir, 'ops-import', 'credentials.json'))).toBe(false);
}, 120_000);
afterAll(async () => {
  await t?.close();
  for (const d of folders) rmSync(d, { recursive: true, force: true });
});

describe('the examples in a real n8n', () => {
  test('tenant-bootstrap runs once per execution and takes its success branch', async () => {
    const run = await executeExample(n8n, 'tenant-bootstrap.json');
    expect(run.ran['Send Welcome Email']).toBe(1);
    expect(run.ran['Alert: Manual Setup Required']).toBeUndefined();
    const requestId = requestIdOf(run, 'bootstrap')!;
    expect(requestId).toMatch(new RegExp(`^n8n-${n8n.ids['tenant-bootstrap.json']}-\\d+-bootstrap$`));
    expect(await platformSaw(requestId)).toEqual({ runs: 1, stored: 1, succeeded: 1 });
  }, 120_000);

  test('provisioning, billing and voice checks each reach the platform with their own requestId', async () => {
    for (const [file, tag] of [
      ['check-provisioning.json', 'provisioning'],
      ['billing-check.json', 'billing'],
      ['voice-check.json', 'voice'],
    ] as const) {
      const run = await executeExample(n8n, file);
      const requestId = requestIdOf(run, tag);
      expect([file, requestId]).toEqual([file, expect.stringMatching(/^n8n-/)]);
      expect([file, (await audits(requestId!)).at(-1)?.outcome]).toEqual([file, 'success']);
    }
  }, 120_000);

  test('the cockpit flow lists stuck clients with an operator key and takes the notify branch', async () => {
    const c = await seedClient(t, { businessName: 'Stuck For n8n' });
    await t.sql(`update onboarding_state set stuck_detected_at = now(), stuck_severity = 'HIGH' where client_id = ?`, [
      c.id,
    ]);
    const run = await executeExample(n8n, 'cockpit-stuck-clients.json');
    expect(run.last['GET stuck clients']?.statusCode).toBe(200);
    expect(run.ran['Notify on-call']).toBe(1);
    const listed = ((run.last['GET stuck clients']!.body as any).data.clients as any[]).map((x) => x.clientId);
    expect(listed).toContain(c.id);
  }, 120_000);

  test('a second n8n instance sends other requestIds for the same example', async () => {
    const other = await oneFlow('tenant-bootstrap.json');
    expect(other.ids['tenant-bootstrap.json']).not.toBe(n8n.ids['tenant-bootstrap.json']);
    const run = await executeExample(other, 'tenant-bootstrap.json');
    const requestId = requestIdOf(run, 'bootstrap')!;
    expect(requestId.startsWith(`n8n-${other.ids['tenant-bootstrap.json']}-`)).toBe(true);
    expect(await platformSaw(requestId)).toEqual({ runs: 1, stored: 1, succeeded: 1 });
  }, 120_000);

  test('a crafted business name is stored exactly and never changes which checks run', async () => {
    const businessId = uniqueId('biz');
    const name = 'Inject Corp", "skipBillingCheck": true, "skipVoiceTest": true, "name": "Back\\\\slash';
    const hostile = await oneFlow('tenant-bootstrap.json', { businessId, businessName: name });
    const run = await executeExample(hostile, 'tenant-bootstrap.json');
    expect(run.ran['Send Welcome Email']).toBe(1);
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(name);
    const body = run.last['tenant.bootstrap']!.body as any;
    expect(body.result.checklist.map((c: any) => c.status)).not.toContain('skipped');
  }, 120_000);

  test.each([
    ['a NUL', 'Nul\u0000Corp'],
    ['10,000 characters', 'x'.repeat(10_000)],
  ])(
    'a business name with %s is refused with 400: the failure branch, and nothing written',
    async (_what, name) => {
      const businessId = uniqueId('biz');
      const flow = await oneFlow('tenant-bootstrap.json', { businessId, businessName: name });
      const run = await executeExample(flow, 'tenant-bootstrap.json');
      expect(run.last['tenant.bootstrap']?.statusCode).toBe(400);
      expect(run.ran['Wait Retry-After']).toBeUndefined();
      expect(run.ran['Alert: Manual Setup Required']).toBe(1);
      expect(await t.sql(`select 1 from client where id = ?`, [businessId])).toHaveLength(0);
    },
    120_000,
  );

  test('a 429 is waited out for its Retry-After and retried with the same requestId', async () => {
    // The n8n key's budget is spent for the next 12 seconds: longer than `n8n execute` takes to start on
    // a loaded machine (with 3 s the budget was seen to come back before the first request).
    await t.sql(
      `insert into rate_limit (key, points, expire) values (?, 100000, ?)
       on conflict (key) do update set points = 100000, expire = excluded.expire`,
      [budgetRowKey(opsBudgetKey('n8n'), 200), Date.now() + 12_000],
    );
    const started = Date.now();
    const run = await executeExample(n8n, 'check-provisioning.json');
    expect(run.ran['Wait Retry-After']).toBe(1);
    expect(run.ran['tenant.provisioningSummary']).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(run.outputs['tenant.provisioningSummary'].map((o) => o?.statusCode)).toEqual([429, 200]);
    // Both tries sent the same requestId: one run, one stored answer.
    const requestId = requestIdOf(run, 'provisioning')!;
    expect(await platformSaw(requestId)).toEqual({ runs: 1, stored: 1, succeeded: 1 });
  }, 120_000);

  test('an answer lost on the way back is retried with the same requestId and replayed from the cache', async () => {
    const proxy = await startAnswerLosingProxy(apiUrl, '/api/internal/ops/execute');
    try {
      const lossy = await oneFlow('tenant-bootstrap.json', undefined, { apiUrl: proxy.url });
      const run = await executeExample(lossy, 'tenant-bootstrap.json');
      expect(run.outputs['tenant.bootstrap'].map((o) => o?.statusCode)).toEqual([502, 200]);
      const replay = run.last['tenant.bootstrap']!.body as any;
      expect(replay._meta.cached).toBe(true);
      expect(run.ran['Send Welcome Email']).toBe(1);
      // The platform did the work once, for the first try, and answered the second from its record.
      const requestId = requestIdOf(run, 'bootstrap')!;
      expect(await platformSaw(requestId)).toEqual({ runs: 1, stored: 1, succeeded: 1 });
    } finally {
      proxy.close();
    }
  }, 120_000);

  test("dispatch-refund refunds once under its execution's Idempotency-Key and takes the finance branch", async () => {
    const order = await seedOrder(t, { amountPence: 10_000 });
    const flow = await oneFlow('dispatch-refund.json', { orderCode: order.code, amountPence: '2500' }, { operatorKey });
    const since = Date.now();
    const run = await executeExample(flow, 'dispatch-refund.json');
    expect(run.last['Refund']).toMatchObject({ statusCode: 200, body: { amount: 2500, status: 'completed' } });
    expect(run.ran['Tell finance']).toBe(1);
    expect(run.ran['Alert: refund not made']).toBeUndefined();
    const refunds = await t.sql(`select amount from dispatch_refund where payment_id = ?`, [order.paymentId]);
    expect(refunds).toEqual([{ amount: 2500 }]);
    const stripe = (await callsSince(t.env.stripeProxy, since)).filter((c) => c.path === '/v1/refunds');
    expect(stripe).toHaveLength(1);
    expect(stripe[0].idempotencyKey).toMatch(
      new RegExp(`^refund:${order.paymentId}:operator-key:.+:n8n-${flow.ids['dispatch-refund.json']}-\\d+-refund$`),
    );
  }, 120_000);

  test('dispatch-refund: more than is refundable is refused, takes the alert branch, and refunds nothing', async () => {
    const order = await seedOrder(t, { amountPence: 3_000 });
    const flow = await oneFlow('dispatch-refund.json', { orderCode: order.code, amountPence: '5000' }, { operatorKey });
    const run = await executeExample(flow, 'dispatch-refund.json');
    expect(run.last['Refund']?.statusCode).toBeGreaterThanOrEqual(400);
    expect(run.last['Refund']?.statusCode).toBeLessThan(500);
    expect(run.ran['Wait Retry-After']).toBeUndefined();
    expect(run.ran['Alert: refund not made']).toBe(1);
    expect(await t.sql(`select 1 from dispatch_refund where payment_id = ?`, [order.paymentId])).toEqual([]);
  }, 120_000);

  const callerFlow = async (clientId: string, operatorPassword: string) =>
    oneFlow('caller-make-call.json', { clientId, phone: '+12125551234' }, { operatorPassword });
  const dialled = async (since: number) =>
    (await callsSince(t.env.twilioProxy, since)).filter((c) => c.method === 'POST' && c.path.endsWith('/Calls.json'));

  test("caller-make-call signs in as the n8n operator and dials once under its execution's key", async () => {
    const client = await createClient(t, await adminToken(t));
    // What ./ops start makes for n8n: the operator account n8n, its password kept in the data directory.
    await upsertOperatorAccount(t.orm.em.fork(), 'n8n', 'n8n-Operator-password-1', 'operator');
    const flow = await callerFlow(client.clientId, 'n8n-Operator-password-1');
    const since = Date.now();
    const run = await executeExample(flow, 'caller-make-call.json');
    expect(run.last['Make call']).toMatchObject({ statusCode: 200, body: { success: true } });
    expect(run.ran['Log the call']).toBe(1);
    expect(await dialled(since)).toHaveLength(1);
    const calls = await t.sql(`select workflow_id from caller_call where client_id = ?`, [client.clientId]);
    expect(calls).toEqual([
      { workflow_id: expect.stringMatching(new RegExp(`-${flow.ids['caller-make-call.json']}-\\d+-call$`)) },
    ]);
  }, 120_000);

  test('caller-make-call with a wrong password takes the alert branch and dials nothing', async () => {
    const client = await createClient(t, await adminToken(t));
    await upsertOperatorAccount(t.orm.em.fork(), 'n8n', 'n8n-Operator-password-1', 'operator');
    const since = Date.now();
    const run = await executeExample(await callerFlow(client.clientId, 'Not-the-password-2'), 'caller-make-call.json');
    expect(run.last['Sign in']?.statusCode).toBe(401);
    expect(run.ran['Make call']).toBeUndefined();
    expect(run.ran['Alert: call not placed']).toBe(1);
    expect(await dialled(since)).toEqual([]);
    expect(await t.sql(`select 1 from caller_call where client_id = ?`, [client.clientId])).toEqual([]);
  }, 120_000);
});
