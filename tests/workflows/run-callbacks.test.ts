import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient, uniqueId } from '../support/factories.ts';
import { seedDriver, seedOrder } from '../support/dispatch.ts';
import { adminToken, bearer, CALLER_ENV, createClient, twilioCallback } from '../support/caller.ts';
import { waitFor } from '../support/faults.ts';
import { startTestWorker } from '../support/worker-process.ts';
import { bootstrapBody, execute } from '../support/control.ts';
import { runsOf } from '../support/temporal.ts';
import { verifySignature } from '../../src/platform/webhooks/signature.ts';
import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { runCallbackWorkflowId } from '../../src/platform/callbacks/run-callback.contract.ts';
import { EXAMPLES_DIR } from '../../src/platform/launch/n8n-setup.ts';
import { CONTROL_KEYS } from '../support/env.ts';
import { readFileSync } from 'node:fs';

// Completion callbacks: a worker of its own with CALLBACK_SECRET, and a local receiver standing in
// for n8n's resumeUrl (private targets allowed here, as for a local n8n; refused by default below).
const taskQueue = uniqueId('callbacks-queue');
const SECRET = 'callback-secret-for-tests-0123456789';
const env = { ...CALLER_ENV, CALLBACK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: '1' };
let t: TestContext;
let worker: ChildProcess;
let receiver: Server;
let receiverUrl: string;

interface Received {
  path: string;
  body: string;
  signature: string;
  status: number;
}
const received: Received[] = [];
/** Paths that answer 500 this many more times. */
const failing = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const left = failing.get(req.url!) ?? 0;
      const status = left > 0 ? 500 : 200;
      if (left > 0) failing.set(req.url!, left - 1);
      received.push({ path: req.url!, body, signature: String(req.headers['x-ops-signature'] ?? ''), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await createTestContext({ taskQueue, env });
  worker = await startTestWorker(
    {
      databaseUrl: t.env.databaseUrl,
      temporalAddress: t.env.temporalAddress,
      taskQueue,
      stripeApiBase: t.env.stripeProxy,
      twilioApiBase: t.env.twilioProxy,
    },
    env,
  );
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await t?.close();
  await new Promise((r) => receiver.close(r));
});

const withCallback = (body: ReturnType<typeof bootstrapBody>, callbackUrl: string) => ({
  ...body,
  meta: { ...body.meta, callbackUrl },
});
/** True when Temporal knows no run of this ID (it was never started). */
const notStarted = (c: TestContext, workflowId: string) =>
  c.temporal.client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => false,
      (err: Error) => err.name === 'WorkflowNotFoundError',
    );
const receivedAt = (path: string) => received.filter((r) => r.path === path);

describe('a start with a callbackUrl', () => {
  test('a receiver failing twice gets the outcome on the third try, signed; one delivery recorded', async () => {
    const path = `/resume/${uniqueId('exec')}`;
    failing.set(path, 2);
    const businessId = uniqueId('cb-biz');
    const body = withCallback(bootstrapBody(businessId, { skipVoiceTest: true }), `${receiverUrl}${path}`);
    const res = await execute(t, body);
    expect(res.status).toBe(200);
    const runId = opsWorkflowId('admin', body.meta.requestId);

    await waitFor(async () => receivedAt(path).some((r) => r.status === 200), 'the third delivery', 30_000);
    const tries = receivedAt(path);
    expect(tries.map((r) => r.status)).toEqual([500, 500, 200]);
    const last = tries[2]!;
    expect(verifySignature(SECRET, last.body, last.signature)).toBe(true);
    expect(verifySignature('another-secret-0123456789abcdef', last.body, last.signature)).toBe(false);
    expect(JSON.parse(last.body)).toMatchObject({
      workflowId: runId,
      operation: 'ops.tenant.bootstrap',
      status: 'COMPLETED',
      result: expect.any(Object),
    });
    // Its own durable run, which ends once the receiver took it, with every attempt recorded.
    const cb = t.temporal.client.workflow.getHandle(runCallbackWorkflowId(runId, `${receiverUrl}${path}`));
    expect(await cb.result()).toEqual({ statusCode: 200 });
    const rows = await t.sql(`select status, attempts, last_status_code from run_callback where workflow_id = ?`, [
      runId,
    ]);
    expect(rows).toEqual([{ status: 'delivered', attempts: 3, last_status_code: 200 }]);
  });

  test('the same request sent twice at once calls back once', async () => {
    const path = `/resume/${uniqueId('exec')}`;
    const body = withCallback(bootstrapBody(uniqueId('cb-biz'), { skipVoiceTest: true }), `${receiverUrl}${path}`);
    const answers = await Promise.all([execute(t, body), execute(t, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await waitFor(async () => receivedAt(path).length > 0, 'the callback');
    await new Promise((r) => setTimeout(r, 500));
    expect(receivedAt(path)).toHaveLength(1);
    const runId = opsWorkflowId('admin', body.meta.requestId);
    expect(await runsOf(t.temporal.client, runCallbackWorkflowId(runId, `${receiverUrl}${path}`))).toHaveLength(1);
  });
});

describe('a client deletion with a callbackUrl', () => {
  test('announces the deletion it made, and a refused one with its failure code only', async () => {
    const done = `/resume/${uniqueId('delete')}`;
    const c = await seedClient(t, { opsAlertsMuted: true, records: 1 });
    const res = await t.api
      .delete(`/api/admin/clients/${c.id}`)
      .send({ confirmBusinessName: c.businessName, callbackUrl: `${receiverUrl}${done}` });
    expect(res.status).toBe(200);
    await waitFor(async () => receivedAt(done).length > 0, 'the deletion callback');
    expect(JSON.parse(receivedAt(done)[0]!.body)).toMatchObject({
      workflowId: c.deleteWorkflowId,
      operation: 'client-delete',
      status: 'COMPLETED',
      result: { clientId: c.id },
    });

    const refused = `/resume/${uniqueId('delete')}`;
    const paying = await seedClient(t, { opsAlertsMuted: true, paymentActive: true });
    const no = await t.api
      .delete(`/api/admin/clients/${paying.id}`)
      .send({ confirmBusinessName: paying.businessName, callbackUrl: `${receiverUrl}${refused}` });
    expect(no.status).toBe(400);
    await waitFor(async () => receivedAt(refused).length > 0, 'the refused deletion callback');
    const body = JSON.parse(receivedAt(refused)[0]!.body);
    expect(body).toMatchObject({ status: 'FAILED', error: { code: 'SAFETY_CHECK_FAILED' } });
    expect(body.result).toBeUndefined();
  });
});

describe('dispatch starts with a callbackUrl', () => {
  test('a refund and a driver assignment each announce their outcome once they end', async () => {
    const refunded = `/resume/${uniqueId('refund')}`;
    const o = await seedOrder(t, { amountPence: 10_000 });
    const res = await t.api
      .post('/api/admin/refunds')
      .set('Idempotency-Key', uniqueId('key'))
      .send({
        paymentId: o.paymentId,
        amount: 2_500,
        reason: 'customer_request',
        callbackUrl: `${receiverUrl}${refunded}`,
      });
    expect(res.status).toBe(200);
    await waitFor(async () => receivedAt(refunded).length > 0, 'the refund callback');
    expect(JSON.parse(receivedAt(refunded)[0]!.body)).toMatchObject({
      operation: 'refund',
      status: 'COMPLETED',
      result: { refundId: res.body.id, status: 'completed' },
    });

    const assigned = `/resume/${uniqueId('assign')}`;
    const driver = await seedDriver(t);
    const order = await seedOrder(t, {
      date: `2033-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`,
    });
    const a = await t.api
      .post(`/api/admin/orders/${order.code}/assign`)
      .send({ driverId: driver, reason: 'nearest van', callbackUrl: `${receiverUrl}${assigned}` });
    expect(a.status).toBe(200);
    await waitFor(async () => receivedAt(assigned).length > 0, 'the assignment callback');
    expect(JSON.parse(receivedAt(assigned)[0]!.body)).toMatchObject({
      operation: 'assign',
      status: 'COMPLETED',
      result: { driverId: driver },
    });
  });

  test('a refund callbackUrl that is not http is refused with 400 naming it, and nothing is refunded', async () => {
    const o = await seedOrder(t, { amountPence: 10_000 });
    const res = await t.api
      .post('/api/admin/refunds')
      .set('Idempotency-Key', uniqueId('key'))
      .send({ paymentId: o.paymentId, amount: 2_500, reason: 'customer_request', callbackUrl: 'ftp://example.com/x' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('callbackUrl');
    expect(await t.sql(`select 1 from dispatch_refund where payment_id = ?`, [o.paymentId])).toEqual([]);
  });
});

describe('a call with a callbackUrl', () => {
  test('announces the call once its status callbacks end it', async () => {
    const ended = `/resume/${uniqueId('call')}`;
    const admin = await adminToken(t);
    const c = await createClient(t, admin);
    const res = await t.anonymous
      .post(`/admin/clients/${c.clientId}/make-call`)
      .set(bearer(admin))
      .send({ phone: '+12125551234', callbackUrl: `${receiverUrl}${ended}` });
    expect(res.status).toBe(200);
    const [call] = await t.sql(`select id from caller_call where client_id = ?`, [c.clientId]);
    const done = await twilioCallback(t, call.id, {
      CallSid: res.body.callSid,
      CallStatus: 'completed',
      SequenceNumber: '1',
      CallDuration: '12',
    });
    expect(done.status).toBe(200);
    await waitFor(async () => receivedAt(ended).length > 0, 'the call callback');
    const body = JSON.parse(receivedAt(ended)[0]!.body);
    expect(body).toMatchObject({ operation: 'call', status: 'COMPLETED', result: { status: 'completed' } });
    expect(receivedAt(ended)[0]!.body).not.toContain('+12125551234'.slice(1)); // the number is masked or absent
  });
});

describe('callback targets', () => {
  let strict: TestContext;
  let unsigned: TestContext;
  beforeAll(async () => {
    // As a platform is configured by default: private, loopback and link-local targets are refused.
    strict = await createTestContext({ taskQueue, env: { CALLBACK_SECRET: SECRET } });
    unsigned = await createTestContext({ taskQueue });
  });
  afterAll(async () => {
    await strict?.close();
    await unsigned?.close();
  });

  test.each([
    ['loopback', 'http://127.0.0.1:9/resume'],
    ['localhost (resolving to loopback)', 'http://localhost:9/resume'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
    ['private', 'http://10.1.2.3/resume'],
    ['not http', 'file:///etc/passwd'],
  ])('a %s callbackUrl is refused with 400 naming meta.callbackUrl, and nothing runs', async (_what, url) => {
    const body = withCallback(bootstrapBody(uniqueId('cb-ssrf')), url);
    const res = await execute(strict, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('meta.callbackUrl');
    await expect(notStarted(strict, opsWorkflowId('admin', body.meta.requestId))).resolves.toBe(true);
    expect(await strict.sql(`select 1 from idempotency_record where key = ?`, [body.meta.requestId])).toEqual([]);
  });

  test('without CALLBACK_SECRET a start asking for a callback is refused, and nothing runs', async () => {
    const body = withCallback(bootstrapBody(uniqueId('cb-unsigned')), 'https://hooks.example.com/x');
    const res = await execute(unsigned, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CALLBACK_NOT_CONFIGURED');
    await expect(notStarted(unsigned, opsWorkflowId('admin', body.meta.requestId))).resolves.toBe(true);
  });
});

describe('the n8n example resumed by the callback (examples/n8n/tenant-bootstrap-callback.json)', () => {
  interface Node {
    name: string;
    type: string;
    parameters: Record<string, any>;
  }
  const flow = JSON.parse(readFileSync(`${EXAMPLES_DIR}/tenant-bootstrap-callback.json`, 'utf8')) as { nodes: Node[] };
  const node = (name: string) => flow.nodes.find((n) => n.name === name)!;
  /** An n8n `={{ … }}` expression evaluated as n8n would, with the flow's Set nodes and this execution. */
  const evaluate = (expression: string, scope: { $json?: unknown; resumeUrl?: string }) => {
    const values = (name: string) =>
      Object.fromEntries(
        (node(name).parameters.assignments.assignments as { name: string; value: string }[]).map((a) => [
          a.name,
          a.value,
        ]),
      );
    const $ = (name: string) => ({ first: () => ({ json: values(name) }) });
    const body = /^=\{\{ ([\s\S]*) \}\}$/.exec(expression)![1];
    return new Function('$', '$json', '$workflow', '$execution', `return (${body});`)(
      $,
      scope.$json,
      { id: 'wf-callback-test' },
      { id: uniqueId('exec'), resumeUrl: scope.resumeUrl },
    );
  };

  test('its HTTP step starts the bootstrap with the resumeUrl, and the callback takes the success branch', async () => {
    const resumePath = `/webhook-waiting/${uniqueId('n8n-exec')}`;
    const http = node('tenant.bootstrap');
    expect(node('Wait for the callback').parameters).toMatchObject({ resume: 'webhook', httpMethod: 'POST' });
    const body = evaluate(http.parameters.jsonBody, { resumeUrl: `${receiverUrl}${resumePath}` });
    expect(body.meta.callbackUrl).toBe(`${receiverUrl}${resumePath}`);
    const path = new URL(http.parameters.url.replace(/^=\{\{[^}]*\}\}/, 'http://x')).pathname;

    const res = await t.anonymous.post(path).set('x-book8-internal-secret', CONTROL_KEYS.n8n).send(body);
    expect(
      evaluate(node('OK?').parameters.conditions.conditions[0].leftValue, {
        $json: { statusCode: res.status, body: res.body },
      }),
    ).toBe(true);

    await waitFor(async () => receivedAt(resumePath).some((r) => r.status === 200), 'the callback at resumeUrl');
    const resumed = receivedAt(resumePath).find((r) => r.status === 200)!;
    const $json = { body: JSON.parse(resumed.body), headers: { 'x-ops-signature': resumed.signature } };
    expect(evaluate(node('Succeeded?').parameters.conditions.conditions[0].leftValue, { $json })).toBe(true);
    expect(verifySignature(SECRET, resumed.body, resumed.signature)).toBe(true);
  });
});
