import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedDriver, seedOrder } from '../support/dispatch.ts';
import { uniqueId } from '../support/factories.ts';
import { killHard, waitFor } from '../support/faults.ts';
import { callsSince } from '../support/recording-proxy.ts';
import { startTestWorker } from '../support/worker-process.ts';
import { verifySignature } from '../../src/platform/webhooks/signature.ts';
import { deliveryWorkflowId, webhookSweepScheduleId } from '../../src/dispatch/deliver-webhook.contract.ts';

// Its own worker processes on a private task queue (so one can be killed), with
// webhook subscribers pointing at a local receiver, and Stripe behind a proxy
// that can withhold an answer.
const taskQueue = uniqueId('dispatch-queue');
const SECRET = 'webhook-secret-for-tests-0123456789';
let t: TestContext;
let receiver: Server;
let stripeGate: Server;
const workers: ChildProcess[] = [];
let startWorker: () => Promise<ChildProcess>;
let receiverPort: number;

interface Received {
  path: string;
  body: string;
  signature: string;
  at: number;
}
const received: Received[] = [];
/** Paths that answer 503 this many more times. */
const failing = new Map<string, number>();
/** Withholds the answer of the next refund call (Stripe did it; the worker never hears). */
let holdNextRefund = false;
let heldCalls = 0;

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  t = await createTestContext({ taskQueue });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url!, body, signature: String(req.headers['x-ops-signature']), at: Date.now() });
      const left = failing.get(req.url!) ?? 0;
      failing.set(req.url!, left - 1);
      res.writeHead(left > 0 ? 503 : 200).end();
    });
  });
  receiverPort = await listen(receiver);
  const upstream = new URL(t.env.stripeProxy);
  stripeGate = createServer((req, res) => {
    const hold = holdNextRefund && req.method === 'POST' && req.url === '/v1/refunds';
    if (hold) {
      holdNextRefund = false;
      heldCalls++;
    }
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        if (hold) return up.resume(); // Stripe answered; the worker never hears it
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(out);
  });
  const gatePort = await listen(stripeGate);
  const env = {
    DISPATCH_WEBHOOK_URLS: `http://127.0.0.1:${receiverPort}/hooks`,
    DISPATCH_WEBHOOK_SECRET: SECRET,
    WEBHOOK_ALLOW_PRIVATE: '1',
  };
  const start = async () => {
    const w = await startTestWorker(
      {
        databaseUrl: t.env.databaseUrl,
        temporalAddress: t.env.temporalAddress,
        taskQueue,
        stripeApiBase: `http://127.0.0.1:${gatePort}`,
        twilioApiBase: t.env.twilioProxy,
      },
      env,
    );
    workers.push(w);
    return w;
  };
  startWorker = start;
  await start();
  // The API records status webhooks too (PUT order): it needs the same subscribers.
  await t.close();
  t = await createTestContext({ taskQueue, env: { ...env, SYNC_WAIT: '60s' } });
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  receiver.closeAllConnections();
  stripeGate.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await new Promise((r) => stripeGate.close(r));
  await t.close();
});

const receivedFor = (path: string, field: string, value: string) =>
  received.filter((r) => r.path === path && JSON.parse(r.body).data[field] === value);

describe('outgoing webhooks', () => {
  test('an assignment sends driver.assigned and order.status_changed, signed so the receiver can verify', async () => {
    const driver = await seedDriver(t);
    const o = await seedOrder(t, { date: '2033-03-03' });
    const res = await t.api.post(`/api/admin/orders/${o.code}/assign`).send({ driverId: driver });
    expect(res.status).toBe(200);
    await waitFor(async () => receivedFor('/hooks/webhook/driver-assignment', 'orderId', o.orderId).length > 0, 'hook');
    await waitFor(async () => receivedFor('/hooks/webhook/order-status', 'orderId', o.orderId).length > 0, 'hook');
    const [assigned] = receivedFor('/hooks/webhook/driver-assignment', 'orderId', o.orderId);
    expect(JSON.parse(assigned.body)).toEqual({
      event: 'driver.assigned',
      data: { orderId: o.orderId, driverId: driver, timestamp: expect.stringMatching(/Z$/) },
    });
    expect(verifySignature(SECRET, assigned.body, assigned.signature)).toBe(true);
    expect(verifySignature('not-the-secret-not-the-secret', assigned.body, assigned.signature)).toBe(false);
    const [status] = receivedFor('/hooks/webhook/order-status', 'orderId', o.orderId);
    expect(JSON.parse(status.body).data).toMatchObject({ code: o.code, oldStatus: 'pending', newStatus: 'assigned' });
  });

  test('a PUT status change announces order.status_changed from the API side', async () => {
    const o = await seedOrder(t);
    const res = await t.api.put(`/api/admin/orders/${o.code}`).send({ status: 'cancelled', reason: 'no_driver' });
    expect(res.status).toBe(200);
    await waitFor(async () => receivedFor('/hooks/webhook/order-status', 'code', o.code).length > 0, 'status hook');
    expect(JSON.parse(receivedFor('/hooks/webhook/order-status', 'code', o.code)[0].body).data).toMatchObject({
      oldStatus: 'pending',
      newStatus: 'cancelled',
    });
  });

  test('a failing receiver is retried with backoff until it accepts; every attempt is listed', async () => {
    const o = await seedOrder(t);
    failing.set('/hooks/webhook/payment', 2);
    const res = await t.api
      .post('/api/admin/refunds')
      .set('Idempotency-Key', `hook-${randomUUID()}`)
      .send({ paymentId: o.paymentId, amount: 500, reason: 'other' });
    expect(res.status).toBe(200);
    await waitFor(async () => receivedFor('/hooks/webhook/payment', 'paymentId', o.paymentId).length >= 3, 'retries');
    const tries = receivedFor('/hooks/webhook/payment', 'paymentId', o.paymentId);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(900);
    const delivered = async () => {
      const list = await t.api.get('/api/admin/webhooks/deliveries?limit=50&status=delivered');
      return list.body.deliveries.find((d: any) => d.event === 'payment.refunded' && d.attempts.length === 3);
    };
    await waitFor(async () => Boolean(await delivered()), 'the delivery recorded as delivered');
    const delivery = await delivered();
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([503, 503, 200]);
  });

  test('an operator cancels a delivery to a receiver that keeps failing: marked failed, no more attempts', async () => {
    const o = await seedOrder(t);
    failing.set('/hooks/webhook/payment', 1_000);
    try {
      const res = await t.api
        .post('/api/admin/refunds')
        .set('Idempotency-Key', `hook-${randomUUID()}`)
        .send({ paymentId: o.paymentId, amount: 500, reason: 'other' });
      expect(res.status).toBe(200);
      await waitFor(async () => receivedFor('/hooks/webhook/payment', 'paymentId', o.paymentId).length >= 2, 'retries');
      const [{ id }] = await t.sql<{ id: string }>(
        `select id from webhook_delivery where event = 'payment.refunded' and payload -> 'data' ->> 'paymentId' = ?`,
        [o.paymentId],
      );
      const workflowId = deliveryWorkflowId(id);
      const cancel = await t.api
        .post(`/api/admin/runs/${encodeURIComponent(workflowId)}/cancel`)
        .send({ reason: 'the subscriber is gone' });
      expect(cancel.status).toBe(202);
      expect(cancel.body.data).toEqual({ workflowId, operation: 'webhook', status: 'CANCEL_REQUESTED' });
      await waitFor(async () => {
        const run = await t.api.get(`/api/admin/runs/${encodeURIComponent(workflowId)}`);
        return run.body.data.status === 'CANCELED';
      }, 'the run to end as cancelled');
      expect(await t.sql(`select status from webhook_delivery where id = ?`, [id])).toEqual([{ status: 'failed' }]);
      const tries = receivedFor('/hooks/webhook/payment', 'paymentId', o.paymentId).length;
      await new Promise((r) => setTimeout(r, 3_000));
      expect(receivedFor('/hooks/webhook/payment', 'paymentId', o.paymentId)).toHaveLength(tries);
      const audit = await t.sql(
        `select actor_id, after from audit_event where action = 'run.cancel' and resource_id = ?`,
        [workflowId],
      );
      expect(audit).toEqual([
        { actor_id: 'test-operator', after: { reason: 'the subscriber is gone', operation: 'webhook' } },
      ]);
    } finally {
      failing.delete('/hooks/webhook/payment');
    }
  }, 60_000);
});

describe('the webhook outbox', () => {
  test('a delivery recorded while Temporal was unreachable is started by the sweep schedule', async () => {
    const o = await seedOrder(t);
    const id = `whd_test_${randomUUID().slice(0, 8)}`;
    const payload = { event: 'order.status_changed', data: { orderId: o.orderId, code: o.code, newStatus: 'x' } };
    await t.sql(
      `insert into webhook_delivery (id, event, url, payload, workflow_id, created_at)
       values (?, 'order.status_changed', ?, ?::json, ?, now() - interval '5 minutes')`,
      [id, `http://127.0.0.1:${receiverPort}/hooks/webhook/order-status`, JSON.stringify(payload), `webhook:${id}`],
    );
    await t.temporal.client.schedule.getHandle(webhookSweepScheduleId(taskQueue)).trigger();
    await waitFor(async () => receivedFor('/hooks/webhook/order-status', 'code', o.code).length > 0, 'the sweep');
    // The attempt is recorded once the receiver's answer is back: a moment after the receiver saw it.
    const row = async () => (await t.sql(`select status, attempts from webhook_delivery where id = ?`, [id]))[0];
    await waitFor(async () => (await row()).status !== 'pending', 'the attempt to be recorded');
    expect(await row()).toEqual({ status: 'delivered', attempts: 1 });
  });
});

describe('a worker killed mid-refund', () => {
  test('Stripe refunded, the worker never heard: the retry reuses the key and the refund counts once', async () => {
    const o = await seedOrder(t, { amountPence: 8000 });
    const since = Date.now();
    holdNextRefund = true;
    const key = `crash-${randomUUID()}`;
    const answer = t.api
      .post('/api/admin/refunds')
      .set('Idempotency-Key', key)
      .send({ paymentId: o.paymentId, amount: 2500, reason: 'service_issue' })
      .then((r) => r);
    await waitFor(async () => heldCalls > 0, 'the refund call to reach Stripe');
    await killHard(workers[workers.length - 1]);
    await startWorker();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', amount: 2500 });
    const calls = (await callsSince(t.env.stripeProxy, since)).filter((c) => c.path === '/v1/refunds');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls.map((c) => c.idempotencyKey))).toEqual(
      new Set([`refund:${o.paymentId}:operator-key:test-operator:${key}`]),
    );
    const [payment] = await t.sql(`select refunded_pence, pending_refund_pence from dispatch_payment where id = ?`, [
      o.paymentId,
    ]);
    expect(payment).toEqual({ refunded_pence: 2500, pending_refund_pence: 0 });
    expect(await t.sql(`select status from dispatch_refund where payment_id = ?`, [o.paymentId])).toEqual([
      { status: 'completed' },
    ]);
  }, 90_000);
});
