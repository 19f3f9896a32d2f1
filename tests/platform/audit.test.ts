import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient } from '../support/factories.ts';

let t: TestContext;
let auditId: string;
beforeAll(async () => {
  t = await createTestContext();
  const c = await seedClient(t);
  await t.api.patch(`/api/admin/clients/${c.id}/mute-alerts`).send({ muted: true });
  [{ id: auditId }] = await t.sql(`select id from audit_event where resource_id = ?`, [c.id]);
});
afterAll(async () => {
  await t.close();
});

test('audit events cannot be updated', async () => {
  await expect(t.sql(`update audit_event set outcome = 'tampered' where id = ?`, [auditId])).rejects.toThrow(
    /append-only: UPDATE refused/,
  );
  expect((await t.sql(`select outcome from audit_event where id = ?`, [auditId]))[0].outcome).toBe('success');
});

test('audit events cannot be deleted', async () => {
  await expect(t.sql(`delete from audit_event where id = ?`, [auditId])).rejects.toThrow(/append-only: DELETE refused/);
  expect(await t.sql(`select id from audit_event where id = ?`, [auditId])).toHaveLength(1);
});

test('the audit table cannot be truncated', async () => {
  await expect(t.sql(`truncate audit_event`)).rejects.toThrow(/append-only: TRUNCATE refused/);
  expect(await t.sql(`select id from audit_event where id = ?`, [auditId])).toHaveLength(1);
});
