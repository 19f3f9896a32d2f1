import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient } from '../support/factories.ts';
import { upsertOperatorKey } from '../../src/platform/auth/api-keys.ts';

let t: TestContext;
let routes: [string, string][];
beforeAll(async () => {
  t = await createTestContext();
  const doc = (await t.anonymous.get('/openapi.json')).body;
  routes = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops)
      .filter(([, op]) => op.tags.includes('cockpit'))
      .map(([m]) => [m, path.replace(/\{\w+\}/g, 'some-id')] as [string, string]),
  );
});
afterAll(async () => {
  await t.close();
});

const send = (method: string, path: string) => (t.anonymous as any)[method](path);

describe('every cockpit route refuses callers without a valid operator key', () => {
  test('the route list covers all eight spec endpoints and the operation status route', () => {
    expect(routes.length).toBe(9);
  });

  test('no Authorization header: 401 in the cockpit envelope', async () => {
    for (const [method, path] of routes) {
      const res = await send(method, path);
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.body).toEqual({ success: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  test('a wrong key or a non-bearer scheme: 401', async () => {
    for (const [method, path] of routes) {
      expect((await send(method, path).set('Authorization', 'Bearer ops_wrong')).status).toBe(401);
      expect((await send(method, path).set('Authorization', `Basic ${t.env.operatorKey}`)).status).toBe(401);
    }
  });

  test('a revoked key stops working and an anonymous DELETE touches nothing', async () => {
    const key = `ops_revoked_${'k'.repeat(30)}`;
    await upsertOperatorKey(t.orm.em.fork(), 'to-revoke', key, 'operator');
    const c = await seedClient(t, { opsAlertsMuted: true, businessName: 'Keep Me' });
    await t.sql(`update operator_api_key set revoked_at = now() where name = 'to-revoke'`);
    const res = await t.anonymous
      .delete(`/api/admin/clients/${c.id}`)
      .set('Authorization', `Bearer ${key}`)
      .send({ confirmBusinessName: 'Keep Me' });
    expect(res.status).toBe(401);
    expect((await t.sql(`select count(*)::int as n from client where id = ?`, [c.id]))[0].n).toBe(1);
  });

  test('keys are stored only as hashes', async () => {
    const rows = await t.sql(`select key_hash from operator_api_key`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.key_hash).not.toContain(t.env.operatorKey);
    }
  });
});
