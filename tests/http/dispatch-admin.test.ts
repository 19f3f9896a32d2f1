import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { operatorKeyWith, seedDriver } from '../support/dispatch.ts';

let t: TestContext;
let operatorKey: string;
beforeAll(async () => {
  t = await createTestContext();
  operatorKey = await operatorKeyWith(t, 'operator');
});
afterAll(async () => {
  await t.close();
});

const as = (key: string, method: 'get' | 'post' | 'put', path: string) =>
  (t.anonymous as any)[method](path).set('Authorization', `Bearer ${key}`);

describe('driver applications', () => {
  test('approving needs admin (an operator is refused); approval activates the driver', async () => {
    const id = await seedDriver(t, { onboarding: 'pending', status: 'inactive' });
    const refused = await as(operatorKey, 'post', `/api/admin/drivers/${id}/approve`).send({});
    expect(refused.status).toBe(403);
    const res = await t.api.post(`/api/admin/drivers/${id}/approve`).send({ notes: 'docs ok', conditions: ['no HGV'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id,
      onboardingStatus: 'approved',
      approvedAt: expect.stringMatching(/Z$/),
      approvedBy: 'test-operator',
      notes: 'docs ok',
      conditions: ['no HGV'],
    });
    const detail = await t.api.get(`/api/admin/drivers/${id}`);
    expect(detail.body).toMatchObject({ id, status: 'active', onboardingStatus: 'approved', strikes: 0 });
    expect(detail.body.vehicles).toEqual([
      { id: `veh_${id}`, make: 'Ford', model: 'Transit', reg: `REG ${id}`, weightClass: '3.5t' },
    ]);
  });

  test('rejecting needs a reason, and a decided application is not decided again the other way', async () => {
    const id = await seedDriver(t, { onboarding: 'pending', status: 'inactive' });
    const missing = await t.api.post(`/api/admin/drivers/${id}/reject`).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual({ reason: expect.any(String) });
    const res = await t.api.post(`/api/admin/drivers/${id}/reject`).send({ reason: 'Licence expired' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      onboardingStatus: 'rejected',
      reason: 'Licence expired',
      rejectedBy: 'test-operator',
    });
    const flip = await t.api.post(`/api/admin/drivers/${id}/approve`).send({});
    expect(flip.status).toBe(409);
    expect(flip.body.code).toBe('APPLICATION_ALREADY_DECIDED');
  });

  test('the applications list filters by status and search, with the summary of all', async () => {
    const id = await seedDriver(t, { onboarding: 'pending', status: 'inactive' });
    const res = await t.api.get(`/api/admin/drivers/applications?status=pending&search=${id}`);
    expect(res.status).toBe(200);
    expect(res.body.drivers.map((d: any) => d.id)).toEqual([id]);
    expect(res.body.total).toBe(1);
    expect(res.body.summary.pending).toBeGreaterThanOrEqual(1);
    expect(res.body.drivers[0]).toMatchObject({ user: { id: `usr_${id}` }, documents: [], checks: {}, ratings: [] });
  });

  test('a status change on PUT needs a reason; suspending is audited', async () => {
    const id = await seedDriver(t);
    expect((await t.api.put(`/api/admin/drivers/${id}`).send({ status: 'suspended' })).status).toBe(400);
    const res = await as(operatorKey, 'put', `/api/admin/drivers/${id}`).send({
      status: 'suspended',
      reason: 'strikes',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('suspended');
    const [audit] = await t.sql(
      `select actor_role, after ->> 'status' as status from audit_event
        where action = 'driver.update' and resource_id = ?`,
      [id],
    );
    expect(audit).toEqual({ actor_role: 'operator', status: 'suspended' });
  });
});

describe('pricing configuration', () => {
  test('each PUT adds a version carrying over what it omits; the version in force at a time is answered', async () => {
    const zone = `zone-${randomUUID().slice(0, 8)}`;
    const v1 = await t.api.put('/api/admin/config/pricing').send({
      zoneKey: zone,
      vanRates: { small: 2500, medium: 3500, large: 4500 },
      slotMultipliers: { morning: 1.2, afternoon: 1.0, evening: 1.1 },
      activeFrom: '2024-01-01T00:00:00Z',
    });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ zoneKey: zone, version: 1, vatRate: 0.2, createdBy: 'test-operator' });
    const v2 = await t.api
      .put('/api/admin/config/pricing')
      .send({ zoneKey: zone, vanRates: { large: 5000 }, activeFrom: '2030-01-01T00:00:00Z' });
    expect(v2.body).toMatchObject({ version: 2, vanRates: { small: 2500, medium: 3500, large: 5000 } });
    expect(v2.body.slotMultipliers).toEqual({ morning: 1.2, afternoon: 1, evening: 1.1 });
    const all = await t.api.get(`/api/admin/config/pricing?zoneKey=${zone}`);
    expect(all.body.map((v: any) => v.version)).toEqual([2, 1]);
    const now = await t.api.get(`/api/admin/config/pricing?zoneKey=${zone}&at=2026-06-01T00:00:00Z`);
    expect(now.body.map((v: any) => v.version)).toEqual([1]);
    expect((await as(operatorKey, 'put', '/api/admin/config/pricing').send({ zoneKey: zone })).status).toBe(403);
    await expect(t.sql(`update pricing_config set vat_rate = 0 where zone_key = ?`, [zone])).rejects.toThrow(
      /immutable/,
    );
  });

  test('a bad pricing body names each field', async () => {
    const res = await t.api
      .put('/api/admin/config/pricing')
      .send({ zoneKey: 'ok', vatRate: 20, rounding: 'sideways', activeFrom: 'tomorrow' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.details).sort()).toEqual(['activeFrom', 'rounding', 'vatRate']);
  });
});

describe('rate limits', () => {
  test('the 101st request in a minute is refused with 429 and X-RateLimit headers', async () => {
    const key = await operatorKeyWith(t, 'viewer');
    let last: any;
    for (let i = 0; i < 100; i++) {
      last = await as(key, 'get', '/api/admin/orders?take=1');
      expect(last.status).toBe(200);
    }
    expect(last.headers['x-ratelimit-limit']).toBe('100');
    expect(last.headers['x-ratelimit-remaining']).toBe('0');
    const refused = await as(key, 'get', '/api/admin/orders?take=1');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    expect(refused.body.code).toBe('RATE_LIMIT_EXCEEDED');
    // another admin's budget is their own
    expect((await t.api.get('/api/admin/orders?take=1')).status).toBe(200);
  });
});
