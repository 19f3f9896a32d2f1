import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedOrder } from '../support/dispatch.ts';
import { callsSince } from '../support/recording-proxy.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const refund = (body: object, key = `key-${randomUUID()}`) =>
  t.api.post('/api/admin/refunds').set('Idempotency-Key', key).send(body);
const stripeRefundsSince = async (since: number) =>
  (await callsSince(t.env.stripeProxy, since)).filter((c) => c.method === 'POST' && c.path === '/v1/refunds');
const payment = async (id: string) =>
  (await t.sql(`select refunded_pence, pending_refund_pence, status from dispatch_payment where id = ?`, [id]))[0];

describe('POST /api/admin/refunds', () => {
  test('refunds through Stripe once, keyed by the run ID, and answers the spec shape', async () => {
    const o = await seedOrder(t, { amountPence: 10_000 });
    const since = Date.now();
    const key = `key-${randomUUID()}`;
    const res = await refund(
      { paymentId: o.paymentId, amount: 5000, reason: 'customer_request', notes: 'Delay on the day' },
      key,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ref_/),
      paymentId: o.paymentId,
      amount: 5000,
      reason: 'customer_request',
      status: 'completed',
      notes: 'Delay on the day',
      createdAt: expect.stringMatching(/Z$/),
      payment: {
        id: o.paymentId,
        amount: 10_000,
        booking: { code: o.code, customer: { user: { name: o.customerName, email: expect.any(String) } } },
      },
    });
    const calls = await stripeRefundsSince(since);
    expect(calls).toHaveLength(1);
    expect(calls[0].idempotencyKey).toBe(`refund:${o.paymentId}:operator-key:test-operator:${key}`);
    expect(await payment(o.paymentId)).toEqual({
      refunded_pence: 5000,
      pending_refund_pence: 0,
      status: 'partially_refunded',
    });
  });

  test('a storm of the same request with one key reaches Stripe once and answers the same refund', async () => {
    const o = await seedOrder(t);
    const since = Date.now();
    const key = `storm-${randomUUID()}`;
    const body = { paymentId: o.paymentId, amount: 1200, reason: 'service_issue' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => refund(body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await stripeRefundsSince(since)).toHaveLength(1);
    expect((await payment(o.paymentId)).refunded_pence).toBe(1200);
  });

  test('the same key with a different body is refused with 422 and refunds nothing more', async () => {
    const o = await seedOrder(t);
    const key = `reuse-${randomUUID()}`;
    expect((await refund({ paymentId: o.paymentId, amount: 1000, reason: 'other' }, key)).status).toBe(200);
    const res = await refund({ paymentId: o.paymentId, amount: 2000, reason: 'other' }, key);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await payment(o.paymentId)).refunded_pence).toBe(1000);
  });

  test('more than is still refundable is refused with 400 on amount, and Stripe is not called', async () => {
    const o = await seedOrder(t, { amountPence: 3000 });
    const since = Date.now();
    const res = await refund({ paymentId: o.paymentId, amount: 3001, reason: 'other' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Validation error',
      details: { amount: 'amount exceeds what is still refundable (3000 pence)' },
    });
    expect(await stripeRefundsSince(since)).toHaveLength(0);
    expect(await t.sql(`select 1 from dispatch_refund where payment_id = ?`, [o.paymentId])).toHaveLength(0);
  });

  test('two concurrent refunds whose sum exceeds the capture: one is refused, the total never exceeds it', async () => {
    const o = await seedOrder(t, { amountPence: 5000 });
    const [a, b] = await Promise.all([
      refund({ paymentId: o.paymentId, amount: 3000, reason: 'other' }),
      refund({ paymentId: o.paymentId, amount: 3000, reason: 'other' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    expect(await payment(o.paymentId)).toMatchObject({ refunded_pence: 3000, pending_refund_pence: 0 });
  });

  test('an unknown payment is 404 and a bad reason is 400', async () => {
    expect((await refund({ paymentId: 'pay_nope', amount: 100, reason: 'other' })).status).toBe(404);
    const bad = await refund({ paymentId: 'pay_nope', amount: -1, reason: 'because' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.details).sort()).toEqual(['amount', 'reason']);
  });
});

describe('GET /api/admin/refunds', () => {
  test('lists refunds with summary and reasons breakdown over the filter', async () => {
    const o = await seedOrder(t, { customerName: `Refundee ${randomUUID().slice(0, 6)}` });
    await refund({ paymentId: o.paymentId, amount: 700, reason: 'fraud' });
    await refund({ paymentId: o.paymentId, amount: 300, reason: 'other' });
    const res = await t.api.get(`/api/admin/refunds?search=${encodeURIComponent(o.customerName)}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.refunds).toHaveLength(1);
    expect(res.body.summary).toEqual({ totalAmount: 1000, totalCount: 2 });
    expect(res.body.reasonsBreakdown).toEqual([
      { reason: 'fraud', totalAmount: 700, count: 1 },
      { reason: 'other', totalAmount: 300, count: 1 },
    ]);
    const next = await t.api.get(
      `/api/admin/refunds?search=${encodeURIComponent(o.customerName)}&limit=1&cursor=${res.body.nextCursor}`,
    );
    expect(next.body.refunds[0].id).not.toBe(res.body.refunds[0].id);
  });
});
