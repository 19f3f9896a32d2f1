import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { rowsOwnedBy, seedClient, type ClientSeed } from '../support/factories.ts';
import { runsOf, searchAttributesOf } from '../support/temporal.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  // A statement-level fault injector for this test database: raises inside the
  // deletion transaction when the row belongs to the chosen client.
  await t.sql(`create or replace function inject_failure() returns trigger language plpgsql as $$
    begin
      if to_jsonb(old) ->> tg_argv[0] = tg_argv[1] then
        raise exception 'injected failure on %', tg_table_name;
      end if;
      return old;
    end $$`);
});
afterAll(async () => {
  await t.close();
});

const deletable = (extra: ClientSeed = {}) =>
  seedClient(t, { opsAlertsMuted: true, withNumber: true, records: 3, ...extra });
const del = (id: string, body: unknown) => t.api.delete(`/api/admin/clients/${id}`).send(body as object);
const audits = (id: string) =>
  t.sql(
    `select outcome, workflow_id, after from audit_event where action = 'client.delete' and resource_id = ? order
      by id`,
    [id],
  );

describe('DELETE /api/admin/clients/:id succeeds', () => {
  test('deletes every record of the client, releases its number and returns the deletion log', async () => {
    const c = await deletable({ businessName: 'Test Business' });
    const bystander = await deletable();
    const bystanderBefore = await rowsOwnedBy(t, bystander.id);

    const res = await del(c.id, { confirmBusinessName: 'Test Business' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        deleted: true,
        clientId: c.id,
        businessName: 'Test Business',
        deletionLog: {
          clientId: c.id,
          businessName: 'Test Business',
          deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          twilioNumberReleased: c.number,
          recordsDeleted: {
            onboardingStates: 1,
            messages: 6,
            customers: 3,
            bookings: 3,
            conversations: 3,
            leads: 3,
            users: 3,
            alertLogs: 3,
          },
        },
      },
    });
    expect(await rowsOwnedBy(t, c.id)).toEqual({
      client: 0,
      onboardingStates: 0,
      messages: 0,
      customers: 0,
      bookings: 0,
      conversations: 0,
      leads: 0,
      users: 0,
      alertLogs: 0,
      assignedNumbers: 0,
    });
    const [pool] = await t.sql(`select status, assigned_client_id from phone_number where phone_number = ?`, [
      c.number,
    ]);
    expect(pool).toEqual({ status: 'AVAILABLE', assigned_client_id: null });
    expect(await rowsOwnedBy(t, bystander.id)).toEqual(bystanderBefore);

    const [audit] = await audits(c.id);
    expect(audit).toMatchObject({ outcome: 'success', workflow_id: c.deleteWorkflowId });
    expect(audit.after.recordsDeleted.messages).toBe(6);
  });

  test('the run is visible in Temporal with Operation, TenantId and Actor set', async () => {
    const c = await deletable();
    await del(c.id, { confirmBusinessName: c.businessName }).set('X-Request-Id', 'req-del-visible');
    const attrs = await searchAttributesOf(t.temporal.client, c.deleteWorkflowId);
    expect(attrs).toEqual({
      operation: 'client-delete',
      tenantId: c.id,
      actor: 'operator-key:test-operator',
      memo: { actor: 'operator-key:test-operator', requestId: 'req-del-visible', incarnation: c.incarnation },
    });
  });

  test('a client without a number or records deletes with all counts zero', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, step: null });
    const res = await del(c.id, { confirmBusinessName: c.businessName });
    expect(res.status).toBe(200);
    expect(res.body.data.deletionLog.twilioNumberReleased).toBeNull();
    expect(Object.values(res.body.data.deletionLog.recordsDeleted).every((n) => n === 0)).toBe(true);
  });

  test('a number missing from the pool is skipped and the deletion continues', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true });
    await t.sql(`update client set twilio_number = '+440000000000' where id = ?`, [c.id]);
    const res = await del(c.id, { confirmBusinessName: c.businessName });
    expect(res.status).toBe(200);
    expect(res.body.data.deletionLog.twilioNumberReleased).toBeNull();
  });

  test('the same DELETE sent five times at once deletes once and every caller gets the same log', async () => {
    const c = await deletable();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => del(c.id, { confirmBusinessName: c.businessName })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const logs = new Set(responses.map((r) => JSON.stringify(r.body.data.deletionLog)));
    expect(logs.size).toBe(1);
    expect((await audits(c.id)).filter((a: any) => a.outcome === 'success')).toHaveLength(1);
    expect(await runsOf(t.temporal.client, c.deleteWorkflowId)).toEqual([
      { runId: expect.any(String), status: 'COMPLETED' },
    ]);
  });

  test('repeating a finished DELETE answers the original log and deletes nothing more', async () => {
    const c = await deletable();
    const first = await del(c.id, { confirmBusinessName: c.businessName });
    const again = await del(c.id, { confirmBusinessName: c.businessName });
    expect(again.status).toBe(200);
    expect(again.body.data.deletionLog).toEqual(first.body.data.deletionLog);
    // The same answer as sent the first time, its keys in the same order (a client may compare bodies).
    expect(JSON.stringify(again.body.data.deletionLog)).toBe(JSON.stringify(first.body.data.deletionLog));
    expect(await audits(c.id)).toHaveLength(1);
  });
});

describe('DELETE refuses and deletes nothing when a safety check fails', () => {
  const cases: [string, ClientSeed, (name: string) => unknown, string][] = [
    [
      'the client is active',
      { onboardingComplete: true },
      (n) => ({ confirmBusinessName: n }),
      'Client is ACTIVE (onboardingComplete=true). Cannot delete active clients.',
    ],
    [
      'alerts are not muted',
      { opsAlertsMuted: false },
      (n) => ({ confirmBusinessName: n }),
      'Alerts NOT muted (opsAlertsMuted=false). Mute alerts first to confirm deletion intent.',
    ],
    [
      'payment is active',
      { paymentActive: true },
      (n) => ({ confirmBusinessName: n }),
      'Payment is ACTIVE (paymentActive=true). Cannot delete paying customers.',
    ],
    [
      'the business name differs in case',
      { businessName: 'Test Business' },
      () => ({ confirmBusinessName: 'test business' }),
      'Business name confirmation mismatch. Expected: "Test Business", Got: "test business"',
    ],
    [
      'the business name has extra whitespace',
      { businessName: 'Test Business' },
      () => ({ confirmBusinessName: 'Test Business ' }),
      'Business name confirmation mismatch. Expected: "Test Business", Got: "Test Business "',
    ],
    [
      'no confirmation is sent',
      { businessName: 'Test Business' },
      () => ({}),
      'Business name confirmation mismatch. Expected: "Test Business", Got: (nothing; send confirmBusinessName)',
    ],
  ];

  test.each(cases)('when %s', async (_label, seed, body, violation) => {
    const c = await deletable(seed);
    const before = await rowsOwnedBy(t, c.id);
    const res = await del(c.id, body(c.businessName));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      error: {
        code: 'SAFETY_CHECK_FAILED',
        message: 'Cannot delete client. Safety checks failed.',
        details: { violations: [violation] },
      },
    });
    expect(await rowsOwnedBy(t, c.id)).toEqual(before);
    expect((await audits(c.id)).map((a: any) => a.outcome)).toEqual(['rejected']);
  });

  test('lists every violation at once, in the spec order', async () => {
    const c = await deletable({
      businessName: 'Test Business',
      onboardingComplete: true,
      opsAlertsMuted: false,
      paymentActive: true,
    });
    const res = await del(c.id, { confirmBusinessName: 'test business' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.violations).toEqual([
      'Client is ACTIVE (onboardingComplete=true). Cannot delete active clients.',
      'Alerts NOT muted (opsAlertsMuted=false). Mute alerts first to confirm deletion intent.',
      'Payment is ACTIVE (paymentActive=true). Cannot delete paying customers.',
      'Business name confirmation mismatch. Expected: "Test Business", Got: "test business"',
    ]);
    expect((await rowsOwnedBy(t, c.id)).client).toBe(1);
  });

  test('after the operator fixes the problem, the same DELETE runs and succeeds', async () => {
    const c = await deletable({ opsAlertsMuted: false });
    expect((await del(c.id, { confirmBusinessName: c.businessName })).status).toBe(400);
    expect((await t.api.patch(`/api/admin/clients/${c.id}/mute-alerts`).send({ muted: true })).status).toBe(200);
    const res = await del(c.id, { confirmBusinessName: c.businessName });
    expect(res.status).toBe(200);
    expect((await rowsOwnedBy(t, c.id)).client).toBe(0);
    expect((await runsOf(t.temporal.client, c.deleteWorkflowId, { atLeast: 2 })).map((r) => r.status).sort()).toEqual([
      'COMPLETED',
      'FAILED',
    ]);
  });

  test('answers 404 NOT_FOUND for an unknown client', async () => {
    const res = await del('never-existed', { confirmBusinessName: 'X' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Client not found' } });
  });

  test('refuses a non-string confirmation or unknown fields with 400 VALIDATION_ERROR', async () => {
    const c = await deletable();
    const wrongType = await del(c.id, { confirmBusinessName: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.details.issues[0]).toEqual({
      field: 'body.confirmBusinessName',
      message: 'must be a string',
    });
    const extra = await del(c.id, { confirmBusinessName: c.businessName, force: true });
    expect(extra.status).toBe(400);
    expect((await rowsOwnedBy(t, c.id)).client).toBe(1);
  });
});

describe('a failure at any deletion statement rolls back everything', () => {
  // [table, trigger event, column identifying the client's rows]
  const statements: [string, string, string][] = [
    ['phone_number', 'update', 'assigned_client_id'],
    ['onboarding_state', 'delete', 'client_id'],
    ['message', 'delete', 'client_id'],
    ['customer', 'delete', 'client_id'],
    ['booking', 'delete', 'client_id'],
    ['conversation', 'delete', 'client_id'],
    ['lead', 'delete', 'client_id'],
    ['client_user', 'delete', 'client_id'],
    ['alert_log', 'delete', 'resource_id'],
    ['client', 'delete', 'id'],
  ];

  test.concurrent.each(statements)(
    'failing on %s: 500 DELETE_FAILED and every row still in place',
    async (table, event, column) => {
      const c = await deletable();
      const before = await rowsOwnedBy(t, c.id);
      const trigger = `inject_${table}_${c.id.replace(/-/g, '_')}`;
      await t.sql(
        `create trigger ${trigger} before ${event} on ${table} for each row execute function
          inject_failure('${column}', '${c.id}')`,
      );
      try {
        const res = await del(c.id, { confirmBusinessName: c.businessName });
        expect(res.status).toBe(500);
        expect(res.body).toEqual({
          success: false,
          error: {
            code: 'DELETE_FAILED',
            message: 'Failed to delete client. Transaction rolled back.',
            details: { workflowId: c.deleteWorkflowId },
          },
        });
        expect(await rowsOwnedBy(t, c.id)).toEqual(before);
        const [pool] = await t.sql(`select status, assigned_client_id from phone_number where phone_number = ?`, [
          c.number,
        ]);
        expect(pool).toEqual({ status: 'ASSIGNED', assigned_client_id: c.id });
        const outcomes = (await audits(c.id)).map((a: any) => a.outcome);
        expect(outcomes).toEqual(['failed']);
      } finally {
        await t.sql(`drop trigger ${trigger} on ${table}`);
      }
      // Once the fault is gone the same request succeeds: a failed run never blocks a retry.
      const retry = await del(c.id, { confirmBusinessName: c.businessName });
      expect(retry.status).toBe(200);
    },
  );
});
