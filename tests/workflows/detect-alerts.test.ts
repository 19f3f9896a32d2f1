import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { resetData, seedClient, uniqueId } from '../support/factories.ts';
import { waitFor } from '../support/faults.ts';
import { runSearchAttributes } from '../../src/platform/temporal/search-attributes.ts';
import { scheduleIdFor } from '../../src/cockpit/alert-schedule.ts';
import type { detectAlertsWorkflow } from '../../workflows/cockpit/detect-alerts.workflow.ts';

const DAY_MS = 24 * 3_600_000;
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await resetData(t);
  // A pool with a free number, unless a test empties it.
  await t.sql(`insert into phone_number (phone_number, status) values ('+447700900999', 'AVAILABLE')`);
});

const detect = (runSlasMs?: Record<string, number>) =>
  t.temporal.client.workflow.execute<typeof detectAlertsWorkflow>('detectAlertsWorkflow', {
    workflowId: uniqueId('alerts-detect-test'),
    taskQueue: t.env.taskQueue,
    args: [{ stuckThresholdMs: DAY_MS, ...(runSlasMs ? { runSlasMs } : {}) }],
  });
const openAlerts = (type: string) =>
  t.sql(
    `select resource_id, severity, alert_key, metadata from alert_log where alert_type = ? and resolved_at is null
      order by resource_id`,
    [type],
  );

describe('STUCK_CLIENT', () => {
  test('raises one alert per client stalled past the threshold and marks it stuck', async () => {
    const stalled = await seedClient(t, { step: 'S9_TEST_CALL', stalledHours: 30 });
    const critical = await seedClient(t, { stalledHours: 24 * 5 });
    await seedClient(t, { stalledHours: 2 }); // still progressing
    await seedClient(t, { stalledHours: 300, onboardingComplete: true }); // done, not stuck

    const result = await detect();

    expect(result.raised.STUCK_CLIENT).toBe(2);
    const alerts = await openAlerts('STUCK_CLIENT');
    expect(alerts.map((a: any) => a.resource_id).sort()).toEqual([stalled.id, critical.id].sort());
    const a = alerts.find((x: any) => x.resource_id === stalled.id);
    expect(a).toMatchObject({ severity: 'MEDIUM', alert_key: `stuck_S9_TEST_CALL_${stalled.id}` });
    expect(alerts.find((x: any) => x.resource_id === critical.id).severity).toBe('CRITICAL');
    const [state] = await t.sql(`select stuck_detected_at, stuck_severity from onboarding_state where client_id = ?`, [
      stalled.id,
    ]);
    expect(state.stuck_detected_at).not.toBeNull();
    expect(state.stuck_severity).toBe('MEDIUM');
    const listed = await t.api.get('/api/admin/stuck-clients');
    expect(listed.body.data.clients.map((c: any) => c.clientId).sort()).toEqual([stalled.id, critical.id].sort());
    expect(listed.body.data.clients[0].lastAlert.alertType).toBe('STUCK_CLIENT');
  });

  test('never alerts for a client whose alerts are muted', async () => {
    const muted = await seedClient(t, { stalledHours: 48, opsAlertsMuted: true });
    const result = await detect();
    expect(result.raised.STUCK_CLIENT).toBe(0);
    expect(await openAlerts('STUCK_CLIENT')).toEqual([]);
    const [state] = await t.sql(`select stuck_detected_at from onboarding_state where client_id = ?`, [muted.id]);
    expect(state.stuck_detected_at).toBeNull();
  });

  test('a second run raises nothing new; after reset-stuck the client can be alerted again', async () => {
    const c = await seedClient(t, { stalledHours: 30 });
    await detect();
    expect((await detect()).raised.STUCK_CLIENT).toBe(0);
    expect(await openAlerts('STUCK_CLIENT')).toHaveLength(1);

    expect((await t.api.patch(`/api/admin/clients/${c.id}/reset-stuck`)).status).toBe(200);
    expect((await detect()).raised.STUCK_CLIENT).toBe(1);
    expect(await openAlerts('STUCK_CLIENT')).toHaveLength(1);
    const all = await t.sql(`select resolved_at from alert_log where resource_id = ? order by created_at`, [c.id]);
    expect(all).toHaveLength(2);
    expect(all[0].resolved_at).not.toBeNull();
  });

  test('overlapping detection runs never duplicate an alert', async () => {
    for (let i = 0; i < 5; i++) await seedClient(t, { stalledHours: 30 });
    const results = await Promise.all([detect(), detect(), detect()]);
    expect(results.reduce((n, r) => n + r.raised.STUCK_CLIENT, 0)).toBe(5);
    const counts = await t.sql(
      `select resource_id, count(*)::int as n from alert_log where alert_type = 'STUCK_CLIENT' group by resource_id`,
    );
    expect(counts).toHaveLength(5);
    expect(counts.every((r: any) => r.n === 1)).toBe(true);
  });
});

describe('PAYMENT_BLOCK', () => {
  test('alerts once for a client waiting at the payment gate, and again only after reset', async () => {
    const blocked = await seedClient(t, { step: 'S6_PAYMENT' });
    await seedClient(t, { step: 'S6_PAYMENT', paymentActive: true });
    await seedClient(t, { step: 'S6_PAYMENT', opsAlertsMuted: true });

    expect((await detect()).raised.PAYMENT_BLOCK).toBe(1);
    expect((await openAlerts('PAYMENT_BLOCK')).map((a: any) => a.resource_id)).toEqual([blocked.id]);
    const [client] = await t.sql(`select payment_gate_alerted_at from client where id = ?`, [blocked.id]);
    expect(client.payment_gate_alerted_at).not.toBeNull();

    expect((await detect()).raised.PAYMENT_BLOCK).toBe(0);
    await t.api.patch(`/api/admin/clients/${blocked.id}/reset-payment-alert`);
    expect((await detect()).raised.PAYMENT_BLOCK).toBe(1);
  });
});

describe('POOL_EMPTY', () => {
  test('raises one CRITICAL alert while no number is AVAILABLE and resolves it when one returns', async () => {
    await t.sql(`update phone_number set status = 'RETIRED'`);
    expect((await detect()).raised.POOL_EMPTY).toBe(1);
    expect((await detect()).raised.POOL_EMPTY).toBe(0);
    const alerts = await openAlerts('POOL_EMPTY');
    expect(alerts).toEqual([
      { resource_id: 'twilio-number-pool', severity: 'CRITICAL', alert_key: 'pool_empty', metadata: { available: 0 } },
    ]);

    await t.sql(`update phone_number set status = 'AVAILABLE'`);
    await detect();
    expect(await openAlerts('POOL_EMPTY')).toEqual([]);
  });
});

describe('RUN_STUCK', () => {
  /** A real run on a task queue no worker polls: it stays open, as a run stuck on a dead dependency does. */
  const openRun = (operation: string, tenantId: string) =>
    t.temporal.client.workflow.start('deleteClientWorkflow', {
      workflowId: uniqueId(`${operation}:stuck`),
      taskQueue: uniqueId('nobody-polls'),
      args: [{}],
      typedSearchAttributes: runSearchAttributes({ operation, tenantId, actor: 'test' }),
    });

  test('raises one alert per run open past its SLA, graded by how far past, and never a second for it', async () => {
    // Operations of this test alone, so runs of tests running beside it are not counted.
    const slow = uniqueId('op-slow');
    const fast = uniqueId('op-fast');
    const muted = await seedClient(t, { opsAlertsMuted: true });
    const stuck = await openRun(slow, 'tenant-a');
    const mutedRun = await openRun(slow, muted.id);
    const withinSla = await openRun(fast, 'tenant-b');
    await waitFor(async () => {
      const listed = await t.temporal.client.workflow.count(`Operation IN ('${slow}', '${fast}')`);
      return listed.count === 3;
    }, 'visibility to list the three runs');
    await new Promise((r) => setTimeout(r, 50));
    const slas = { [slow]: 10, [fast]: DAY_MS };

    expect((await detect(slas)).raised.RUN_STUCK).toBe(1);
    const alerts = await t.sql(`select * from alert_log where alert_type = 'RUN_STUCK' and resource_id in (?)`, [
      [stuck.workflowId, mutedRun.workflowId, withinSla.workflowId],
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      resource_id: stuck.workflowId,
      alert_key: `run_stuck_${stuck.firstExecutionRunId}`,
      severity: 'CRITICAL',
      metadata: { operation: slow, tenantId: 'tenant-a', runId: stuck.firstExecutionRunId },
    });
    // On the cockpit's alert log, like the others.
    const listed = await t.api.get(`/api/admin/alerts?alertType=RUN_STUCK&resourceId=${stuck.workflowId}`);
    expect(listed.body.data.alerts).toEqual([expect.objectContaining({ alertType: 'RUN_STUCK' })]);

    expect((await detect(slas)).raised.RUN_STUCK).toBe(0);
    // Once per run: resolving it does not make the same run alert again.
    await t.sql(`update alert_log set resolved_at = now() where alert_type = 'RUN_STUCK' and resource_id = ?`, [
      stuck.workflowId,
    ]);
    expect((await detect(slas)).raised.RUN_STUCK).toBe(0);
    expect(await t.sql(`select 1 from alert_log where resource_id = ?`, [stuck.workflowId])).toHaveLength(1);
    await Promise.all([stuck, mutedRun, withinSla].map((h) => h.terminate('test over')));
  });
});

test('the worker creates the detection schedule with its interval and search attributes', async () => {
  const desc = await t.temporal.client.schedule.getHandle(scheduleIdFor(t.env.taskQueue)).describe();
  expect(desc.action.type).toBe('startWorkflow');
  expect((desc.action as any).workflowType).toBe('detectAlertsWorkflow');
  expect((desc.action as any).taskQueue).toBe(t.env.taskQueue);
  expect(desc.spec.intervals?.[0].every).toBe(8760 * 3_600_000);
  expect(desc.policies.overlap).toBe('SKIP');
  // Every module's SLAs, from the manifests.
  expect((desc.action as any).args[0].runSlasMs).toMatchObject({
    'client-delete': 5 * 60_000,
    refund: 15 * 60_000,
    call: 3_600_000,
    'ops.tenant.bootstrap': 10 * 60_000,
  });
});
