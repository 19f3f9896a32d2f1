import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { rowsOwnedBy, seedClient } from '../support/factories.ts';
import { runsOf } from '../support/temporal.ts';
import { clientDeleteWorkflowId } from '../../src/cockpit/client-delete.contract.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const del = (ctx: TestContext, id: string, businessName: string) =>
  ctx.api.delete(`/api/admin/clients/${id}`).send({ confirmBusinessName: businessName });

/** Creates the client row again under the same id, the way tenant.ensure or the demo seed would. */
async function recreate(id: string, businessName: string, opsAlertsMuted: boolean) {
  const [row] = await t.sql<{ incarnation: string }>(
    `insert into client (id, business_name, ops_alerts_muted) values (?, ?, ?) returning incarnation`,
    [id, businessName, opsAlertsMuted],
  );
  await t.sql(`insert into customer (id, client_id, name) values (?, ?, 'again')`, [`${id}-again`, id]);
  return row.incarnation;
}

describe('a client deleted and then created again', () => {
  test('goes through every safety check again and is really deleted, with its own run and record', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, records: 2 });
    expect((await del(t, c.id, c.businessName)).status).toBe(200);

    const second = await recreate(c.id, c.businessName, false);
    expect(second).not.toBe(c.incarnation);

    // Alerts are not muted on the new row: refused, nothing deleted (the old deletion is not answered).
    const refused = await del(t, c.id, c.businessName);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.violations).toEqual([
      'Alerts NOT muted (opsAlertsMuted=false). Mute alerts first to confirm deletion intent.',
    ]);
    expect((await rowsOwnedBy(t, c.id)).customers).toBe(1);

    await t.api.patch(`/api/admin/clients/${c.id}/mute-alerts`).send({ muted: true });
    const deleted = await del(t, c.id, c.businessName);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.deletionLog.recordsDeleted.customers).toBe(1);
    expect(await rowsOwnedBy(t, c.id)).toMatchObject({ client: 0, customers: 0 });

    const records = await t.sql(
      `select incarnation, workflow_id, actor_id, deletion_log from client_deletion where client_id = ? order by id`,
      [c.id],
    );
    expect(records.map((r) => [r.incarnation, r.workflow_id])).toEqual([
      [c.incarnation, c.deleteWorkflowId],
      [second, clientDeleteWorkflowId(c.id, second)],
    ]);
    expect(records[1]).toMatchObject({ actor_id: 'test-operator', deletion_log: deleted.body.data.deletionLog });
    expect(await runsOf(t.temporal.client, clientDeleteWorkflowId(c.id, second), { atLeast: 2 })).toEqual([
      { runId: expect.any(String), status: 'COMPLETED' },
      { runId: expect.any(String), status: 'FAILED' },
    ]);
  });

  test('a retried DELETE after success answers the log of the incarnation it deleted, starting nothing', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, records: 1 });
    const first = await del(t, c.id, c.businessName);
    const retry = await del(t, c.id, c.businessName);
    expect(retry.status).toBe(200);
    expect(retry.body.data.deletionLog).toEqual(first.body.data.deletionLog);
    expect(await runsOf(t.temporal.client, c.deleteWorkflowId)).toHaveLength(1);
  });
});

describe('the deletion record', () => {
  test('is kept in PostgreSQL with who, when and what, and cannot be changed or removed', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, records: 1 });
    const res = await del(t, c.id, c.businessName).set('X-Request-Id', 'req-record-kept');
    const [record] = await t.sql(`select * from client_deletion where workflow_id = ?`, [c.deleteWorkflowId]);
    expect(record).toMatchObject({
      client_id: c.id,
      business_name: c.businessName,
      actor_type: 'operator-key',
      actor_id: 'test-operator',
      request_id: 'req-record-kept',
      deletion_log: res.body.data.deletionLog,
    });
    await expect(
      t.sql(`update client_deletion set business_name = 'x' where workflow_id = ?`, [c.deleteWorkflowId]),
    ).rejects.toThrow(/append-only/);
    await expect(t.sql(`delete from client_deletion where workflow_id = ?`, [c.deleteWorkflowId])).rejects.toThrow(
      /append-only/,
    );
  });

  test('a DELETE of a client deleted before the replay window answers 404 NOT_FOUND', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true });
    expect((await del(t, c.id, c.businessName)).status).toBe(200);
    const strict = await createTestContext({ env: { DELETE_REPLAY_WINDOW: '1ms' } });
    try {
      await new Promise((r) => setTimeout(r, 20));
      const res = await del(strict, c.id, c.businessName);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Client not found' } });
    } finally {
      await strict.close();
    }
  });
});
