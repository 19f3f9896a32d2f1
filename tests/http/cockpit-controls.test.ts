import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const auditFor = (resourceId: string) =>
  t.sql(
    `select action, outcome, actor_id, before, after, request_id from audit_event where resource_id = ? order by id`,
    [resourceId],
  );

describe('PATCH /api/admin/clients/:id/mute-alerts', () => {
  test('mutes then unmutes, answering the spec body and auditing each change', async () => {
    const c = await seedClient(t, { businessName: 'Test Business' });
    const muted = await t.api
      .patch(`/api/admin/clients/${c.id}/mute-alerts`)
      .set('X-Request-Id', 'req-mute-1')
      .send({ muted: true });
    expect(muted.status).toBe(200);
    expect(muted.body).toEqual({
      success: true,
      data: { clientId: c.id, businessName: 'Test Business', opsAlertsMuted: true },
    });
    expect((await t.sql(`select ops_alerts_muted from client where id = ?`, [c.id]))[0].ops_alerts_muted).toBe(true);

    const unmuted = await t.api.patch(`/api/admin/clients/${c.id}/mute-alerts`).send({ muted: false });
    expect(unmuted.body.data.opsAlertsMuted).toBe(false);

    const audit = await auditFor(c.id);
    expect(audit.map((a: any) => a.action)).toEqual(['client.alerts.mute', 'client.alerts.unmute']);
    expect(audit[0]).toMatchObject({ outcome: 'success', actor_id: 'test-operator', request_id: 'req-mute-1' });
    expect(audit[0].before.opsAlertsMuted).toBe(false);
    expect(audit[0].after.opsAlertsMuted).toBe(true);
  });

  test.each([
    [{ muted: 'true' }, 'body.muted'],
    [{}, 'body.muted'],
    [{ muted: 1 }, 'body.muted'],
    [{ muted: true, extra: 1 }, 'body'],
  ])('refuses body %j with 400 and changes nothing', async (body, field) => {
    const c = await seedClient(t);
    const res = await t.api.patch(`/api/admin/clients/${c.id}/mute-alerts`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.issues[0].field).toBe(field);
    expect((await t.sql(`select ops_alerts_muted from client where id = ?`, [c.id]))[0].ops_alerts_muted).toBe(false);
    expect(await auditFor(c.id)).toHaveLength(0);
  });

  test('answers 404 for an unknown client', async () => {
    const res = await t.api.patch('/api/admin/clients/ghost/mute-alerts').send({ muted: true });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Client not found' } });
  });
});

describe('PATCH /api/admin/clients/:id/reset-payment-alert', () => {
  test('clears paymentGateAlertedAt and closes the open PAYMENT_BLOCK alert', async () => {
    const c = await seedClient(t, {
      businessName: 'Test Business',
      paymentGateAlertedAt: new Date('2025-12-24T08:00:00Z'),
    });
    await t.sql(
      `insert into alert_log (id, alert_type, alert_key, severity, resource_id, channel) values (?,
        'PAYMENT_BLOCK', 'pb', 'HIGH', ?, 'ops_log')`,
      [`pb-${c.id}`, c.id],
    );
    const res = await t.api.patch(`/api/admin/clients/${c.id}/reset-payment-alert`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        clientId: c.id,
        businessName: 'Test Business',
        paymentGateAlertedAt: null,
        message: 'Payment gate alert suppression cleared. Client can be alerted again if stuck.',
      },
    });
    expect(
      (await t.sql(`select payment_gate_alerted_at from client where id = ?`, [c.id]))[0].payment_gate_alerted_at,
    ).toBeNull();
    expect(
      (await t.sql(`select resolved_at from alert_log where id = ?`, [`pb-${c.id}`]))[0].resolved_at,
    ).not.toBeNull();
    const [audit] = await auditFor(c.id);
    expect(audit.action).toBe('client.payment-alert.reset');
    expect(audit.before.paymentGateAlertedAt).toBe('2025-12-24T08:00:00.000Z');
  });

  test('answers 404 for an unknown client', async () => {
    expect((await t.api.patch('/api/admin/clients/ghost/reset-payment-alert')).status).toBe(404);
  });
});

describe('PATCH /api/admin/clients/:id/reset-stuck', () => {
  test('clears stuckDetectedAt on the onboarding state', async () => {
    const c = await seedClient(t, { businessName: 'Test Business', stuck: { severity: 'HIGH' } });
    const res = await t.api.patch(`/api/admin/clients/${c.id}/reset-stuck`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        clientId: c.id,
        businessName: 'Test Business',
        stuckDetectedAt: null,
        message: 'Stuck detection reset. Client can be detected as stuck again if necessary.',
      },
    });
    const [state] = await t.sql(`select stuck_detected_at, current_step from onboarding_state where client_id = ?`, [
      c.id,
    ]);
    expect(state.stuck_detected_at).toBeNull();
    expect(state.current_step).toBe('S2_PROFILE');
    expect((await t.sql(`select action from audit_event where resource_id = ?`, [`onb-${c.id}`]))[0].action).toBe(
      'client.stuck.reset',
    );
  });

  test('answers 404 when the client has no onboarding state', async () => {
    const c = await seedClient(t, { step: null });
    const res = await t.api.patch(`/api/admin/clients/${c.id}/reset-stuck`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'Client has no onboarding state' },
    });
  });

  test('answers 404 for an unknown client', async () => {
    const res = await t.api.patch('/api/admin/clients/ghost/reset-stuck');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('Client not found');
  });

  test('refuses a body with unexpected fields', async () => {
    const c = await seedClient(t, { stuck: { severity: 'HIGH' } });
    const res = await t.api.patch(`/api/admin/clients/${c.id}/reset-stuck`).send({ currentStep: 'DONE' });
    expect(res.status).toBe(400);
    expect(
      (await t.sql(`select stuck_detected_at from onboarding_state where client_id = ?`, [c.id]))[0].stuck_detected_at,
    ).not.toBeNull();
  });
});
