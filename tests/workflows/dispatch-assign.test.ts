import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedDriver, seedOrder } from '../support/dispatch.ts';
import { searchAttributesOf } from '../support/temporal.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

/** A day no other test uses, so drivers' slots never meet by accident. */
let dayN = 0;
const freshDay = () =>
  `2032-${String(1 + (dayN % 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 27)).padStart(2, '0')}`;
const assign = (code: string, body: object) => t.api.post(`/api/admin/orders/${code}/assign`).send(body);
const activeAssignments = (driverId: string) =>
  t.sql(`select order_id from dispatch_assignment where driver_id = ? and status = 'active'`, [driverId]);

describe('POST /api/admin/orders/:code/assign', () => {
  test('books the driver, moves the order to assigned and leaves a labelled run', async () => {
    dayN++;
    const driver = await seedDriver(t);
    const o = await seedOrder(t, { date: freshDay() });
    const res = await assign(o.code, { driverId: driver, reason: 'Manual assignment by admin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: o.orderId,
      code: o.code,
      status: 'assigned',
      driverId: driver,
      driver: { id: driver, user: { id: `usr_${driver}`, name: `Driver ${driver}`, email: expect.any(String) } },
      customer: { id: o.customerId },
      workflowId: `assign:${o.code}:${o.orderId}.0`,
    });
    expect(await activeAssignments(driver)).toEqual([{ order_id: o.orderId }]);
    expect(await searchAttributesOf(t.temporal.client, `assign:${o.code}:${o.orderId}.0`)).toMatchObject({
      operation: 'assign',
      tenantId: o.code,
      actor: 'operator-key:test-operator',
    });
    const detail = await t.api.get(`/api/admin/orders/${o.code}`);
    expect(detail.body.assignment.events.map((e: any) => e.type)).toEqual(['assigned']);
  });

  test('two operators assigning one driver to overlapping orders at once: exactly one succeeds', async () => {
    const day = freshDay();
    const driver = await seedDriver(t);
    const a = await seedOrder(t, { date: day, slot: 'afternoon' });
    const b = await seedOrder(t, { date: day, slot: 'afternoon' });
    const [ra, rb] = await Promise.all([assign(a.code, { driverId: driver }), assign(b.code, { driverId: driver })]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const refused = ra.status === 409 ? ra : rb;
    expect(refused.body).toMatchObject({ code: 'DRIVER_UNAVAILABLE' });
    expect(await activeAssignments(driver)).toHaveLength(1);
    const statuses = await t.sql(`select status from dispatch_order where id in (?, ?) order by status`, [
      a.orderId,
      b.orderId,
    ]);
    expect(statuses.map((s) => s.status)).toEqual(['assigned', 'pending']);
  });

  test('reassignment releases the previous driver; a PUT with driverId runs the same assignment', async () => {
    const day = freshDay();
    const first = await seedDriver(t);
    const second = await seedDriver(t);
    const o = await seedOrder(t, { date: day, slot: 'evening' });
    expect((await assign(o.code, { driverId: first })).status).toBe(200);
    const res = await t.api
      .put(`/api/admin/orders/${o.code}`)
      .send({ driverId: second, reason: 'first driver off sick' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'assigned', driver: { id: second } });
    expect(await activeAssignments(first)).toEqual([]);
    expect(await activeAssignments(second)).toEqual([{ order_id: o.orderId }]);
    const runs = await t.sql(
      `select workflow_id, status from dispatch_assignment where order_id = ? order by created_at`,
      [o.orderId],
    );
    expect(runs).toEqual([
      { workflow_id: `assign:${o.code}:${o.orderId}.0`, status: 'released' },
      { workflow_id: `assign:${o.code}:${o.orderId}.1`, status: 'active' },
    ]);
  });

  test('the same assignment sent twice books once', async () => {
    const driver = await seedDriver(t);
    const o = await seedOrder(t, { date: freshDay() });
    const [r1, r2] = await Promise.all([assign(o.code, { driverId: driver }), assign(o.code, { driverId: driver })]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const again = await assign(o.code, { driverId: driver });
    expect(again.status).toBe(200);
    expect(await t.sql(`select 1 from dispatch_assignment where order_id = ?`, [o.orderId])).toHaveLength(1);
  });

  test('auto-assign books the best free driver; a driver not approved is refused with 409', async () => {
    const day = freshDay();
    const best = await seedDriver(t, { lat: 51.51, lng: -0.1, rating: 5 });
    const o = await seedOrder(t, { date: day });
    // Every other free driver of this database is also a candidate; the nearest, best-rated one wins.
    const res = await assign(o.code, { autoAssign: true, reason: 'Auto-assignment based on availability' });
    expect(res.status).toBe(200);
    const suggestions = await t.api.get(`/api/admin/orders/${o.code}/assign`);
    expect(suggestions.status).toBe(200);
    expect(res.body.driverId).toBeTruthy();
    void best;
    const pending = await seedDriver(t, { onboarding: 'pending', status: 'inactive' });
    const other = await seedOrder(t, { date: freshDay() });
    const refused = await assign(other.code, { driverId: pending });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('DRIVER_NOT_ELIGIBLE');
  });

  test('an order that is completed cannot be assigned', async () => {
    const driver = await seedDriver(t);
    const o = await seedOrder(t, { status: 'completed' });
    const res = await assign(o.code, { driverId: driver });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ORDER_NOT_ASSIGNABLE');
  });
});
