import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { operatorKeyWith, seedDriver, seedOrder } from '../support/dispatch.ts';
import { createOperator, login } from '../support/support.ts';

let t: TestContext;
let viewerKey: string;
beforeAll(async () => {
  t = await createTestContext();
  viewerKey = await operatorKeyWith(t, 'viewer');
});
afterAll(async () => {
  await t.close();
});

const asViewer = (method: 'get' | 'put' | 'post', path: string) =>
  (t.anonymous as any)[method](path).set('Authorization', `Bearer ${viewerKey}`);

describe('spec 002 envelopes', () => {
  test('anonymous callers get 401 { error: Unauthorized }', async () => {
    const res = await t.anonymous.get('/api/admin/orders');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthorized' });
  });

  test('a viewer may read but not change: 403 { error: Insufficient permissions }, nothing written', async () => {
    const o = await seedOrder(t);
    expect((await asViewer('get', `/api/admin/orders/${o.code}`)).status).toBe(200);
    const res = await asViewer('put', `/api/admin/orders/${o.code}`).send({ notes: 'x' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'Insufficient permissions' });
    const [row] = await t.sql(`select notes from dispatch_order where code = ?`, [o.code]);
    expect(row.notes).toBeNull();
  });

  test('an unknown order is 404 { error: Resource not found }', async () => {
    const res = await t.api.get('/api/admin/orders/NOPE123');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Resource not found' });
  });

  test('bad input is 400 Validation error naming each field', async () => {
    const res = await t.api.get('/api/admin/orders?take=0&status=flying&q=ab');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Validation error');
    expect(Object.keys(res.body.details).sort()).toEqual(['q', 'status', 'take']);
  });

  test('the cockpit on the same prefix keeps its own envelope', async () => {
    const res = await t.anonymous.get('/api/admin/alerts');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });
});

describe('the operator session from /admin/login', () => {
  test('opens the dispatch routes; a change from a foreign origin is refused and writes nothing', async () => {
    const cookie = await login(t, await createOperator(t));
    const o = await seedOrder(t);
    expect((await t.anonymous.get(`/api/admin/orders/${o.code}`).set('Cookie', cookie)).status).toBe(200);
    const forged = await t.anonymous
      .put(`/api/admin/orders/${o.code}`)
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .send({ notes: 'forged' });
    expect(forged.status).toBe(403);
    const ok = await t.anonymous.put(`/api/admin/orders/${o.code}`).set('Cookie', cookie).send({ notes: 'real' });
    expect(ok.status).toBe(200);
    const [row] = await t.sql(`select notes from dispatch_order where code = ?`, [o.code]);
    expect(row.notes).toBe('real');
  });
});

describe('GET /api/admin/orders', () => {
  test('finds an order by customer name through q and filters by status', async () => {
    const o = await seedOrder(t, { customerName: 'Zebedee Quarrington' });
    const res = await t.api.get('/api/admin/orders?q=quarrington&take=5');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => i.code)).toEqual([o.code]);
    expect(res.body.items[0]).toEqual({
      id: o.orderId,
      code: o.code,
      status: 'pending',
      pickupAddress: expect.any(String),
      dropoffAddress: expect.any(String),
      preferredDate: '2030-06-01',
      timeSlot: 'morning',
      amountPence: 10_000,
      paymentStatus: 'paid',
      createdAt: expect.stringMatching(/Z$/),
      customer: { id: o.customerId, name: 'Zebedee Quarrington', email: expect.any(String) },
    });
    const none = await t.api.get('/api/admin/orders?q=quarrington&status=completed');
    expect(none.body.items).toEqual([]);
  });

  test('the keyset cursor is stable when orders are added between pages', async () => {
    const area = `area-${Date.now()}`;
    for (let i = 0; i < 5; i++) await seedOrder(t, { area });
    const first = await t.api.get(`/api/admin/orders?area=${area}&take=2`);
    expect([first.status, first.body.items?.length]).toEqual([200, 2]);
    await seedOrder(t, { area }); // newer than every page: must not shift the next one
    const second = await t.api.get(`/api/admin/orders?area=${area}&take=2&cursor=${first.body.nextCursor}`);
    const third = await t.api.get(`/api/admin/orders?area=${area}&take=2&cursor=${second.body.nextCursor}`);
    const codes = [...first.body.items, ...second.body.items, ...third.body.items].map((i: any) => i.code);
    expect(new Set(codes).size).toBe(5);
    expect(third.body.nextCursor).toBeUndefined();
  });

  test('pages without skipping orders created within the same millisecond', async () => {
    const area = `area-ms-${Date.now()}`;
    for (let i = 0; i < 4; i++) await seedOrder(t, { area });
    // PostgreSQL keeps microseconds; a cursor carries milliseconds.
    await t.sql(
      `update dispatch_order o
          set created_at = timestamptz '2020-01-01 00:00:00.456000+00' + n * interval '1 microsecond'
         from (select id, row_number() over (order by id) as n from dispatch_order where area = ?) r
        where o.id = r.id`,
      [area],
    );
    const codes: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.api.get(`/api/admin/orders?area=${area}&take=1${cursor ? `&cursor=${cursor}` : ''}`);
      codes.push(...res.body.items.map((i: any) => i.code));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(new Set(codes).size).toBe(4);
  });
});

describe('PUT /api/admin/orders/:code', () => {
  test('a status change without a reason is refused and changes nothing', async () => {
    const o = await seedOrder(t);
    const res = await t.api.put(`/api/admin/orders/${o.code}`).send({ status: 'cancelled' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Validation error', details: { reason: 'is required for a status change' } });
    const [row] = await t.sql(`select status from dispatch_order where code = ?`, [o.code]);
    expect(row.status).toBe('pending');
  });

  test('an illegal transition is refused with the allowed ones named', async () => {
    const o = await seedOrder(t, { status: 'completed' });
    const res = await t.api.put(`/api/admin/orders/${o.code}`).send({ status: 'pending', reason: 'reopen' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'INVALID_STATUS_TRANSITION',
      details: { from: 'completed', to: 'pending', allowed: [] },
    });
  });

  test('cancelling records the reason, the audit row (with role) and the analytics aggregate', async () => {
    const o = await seedOrder(t);
    const res = await t.api
      .put(`/api/admin/orders/${o.code}`)
      .send({ status: 'cancelled', reason: 'customer_changed_plans', notes: 'called in' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: o.code, status: 'cancelled', notes: 'called in' });
    const [audit] = await t.sql(
      `select actor_role, before ->> 'status' as before, after ->> 'status' as after from audit_event
        where action = 'order.update' and resource_id = ?`,
      [o.code],
    );
    expect(audit).toEqual({ actor_role: 'admin', before: 'pending', after: 'cancelled' });
    const trail = await t.api.get(`/api/admin/audit/order/${o.code}`);
    expect(trail.body.events[0]).toMatchObject({ action: 'order.update', user: { role: 'admin' } });
    const summary = await t.api.get('/api/admin/analytics/summary?range=24h');
    expect(summary.status).toBe(200);
    expect(summary.body.cancellationReasons).toContainEqual(
      expect.objectContaining({ reason: 'customer_changed_plans' }),
    );
    expect(summary.headers['x-ratelimit-limit']).toBe('20');
  });
});

describe('GET /api/admin/orders/:code/assign', () => {
  test('suggests approved drivers whose van fits, best first, with the reasons for each score', async () => {
    const date = '2031-01-0' + (1 + Math.floor(Math.random() * 8));
    const near = await seedDriver(t, { lat: 51.51, lng: -0.1, rating: 5 });
    const pending = await seedDriver(t, { onboarding: 'pending' });
    const small = await seedDriver(t, { weightClass: '1.8t' });
    const o = await seedOrder(t, { date });
    const res = await t.api.get(`/api/admin/orders/${o.code}/assign`);
    expect(res.status).toBe(200);
    expect(res.body.booking).toMatchObject({
      id: o.orderId,
      preferredDate: date,
      timeSlot: 'morning',
      vanSize: 'medium',
    });
    const ids = res.body.suggestions.map((s: any) => s.id);
    expect(ids).toContain(near);
    expect(ids).not.toContain(pending);
    expect(ids).not.toContain(small);
    const mine = res.body.suggestions.find((s: any) => s.id === near);
    expect(mine).toMatchObject({ suitability: 'available', activeJobs: 0, rating: 5 });
    expect(mine.reasons.join(' ')).toMatch(/km from base/);
  });
});
