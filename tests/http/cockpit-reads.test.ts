import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { resetData, seedClient } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await resetData(t);
});
afterAll(async () => {
  await t.close();
});

async function insertAlerts(n: number, fields: { alertType?: string; severity?: string; resourceId?: string } = {}) {
  await t.sql(
    `insert into alert_log (id, created_at, alert_type, alert_key, severity, resource_id, delivered_at, channel,
      metadata, resolved_at)
     select 'a-' || md5(random()::text || g), now() - (g || ' seconds')::interval, ?, 'key-' || g, ?, ?, now(),
       'sms', '{"n": 1}', now()
       from generate_series(1, ?) g`,
    [fields.alertType ?? 'STUCK_CLIENT', fields.severity ?? 'LOW', fields.resourceId ?? 'res-x', n],
  );
}

describe('GET /api/admin/alerts', () => {
  beforeAll(async () => {
    await insertAlerts(60);
    await insertAlerts(3, { alertType: 'PAYMENT_BLOCK', severity: 'HIGH', resourceId: 'default-client' });
    await insertAlerts(2, { alertType: 'POOL_EMPTY', severity: 'CRITICAL', resourceId: 'twilio-number-pool' });
  });

  test('returns the last 50 alerts newest first with total and showing', async () => {
    const res = await t.api.get('/api/admin/alerts');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const { alerts, total, showing, nextCursor } = res.body.data;
    expect(alerts).toHaveLength(50);
    expect(total).toBe(65);
    expect(showing).toBe(50);
    expect(nextCursor).toEqual(expect.any(String));
    const times = alerts.map((a: any) => Date.parse(a.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(alerts[0]).toEqual({
      id: expect.any(String),
      createdAt: expect.any(String),
      alertType: expect.any(String),
      alertKey: expect.any(String),
      severity: expect.any(String),
      resourceId: expect.any(String),
      deliveredAt: expect.any(String),
      channel: 'sms',
      metadata: { n: 1 },
      resolvedAt: expect.any(String),
    });
  });

  test('filters by severity, alert type and resource', async () => {
    const critical = await t.api.get('/api/admin/alerts?limit=100&severity=CRITICAL');
    expect(critical.body.data.alerts).toHaveLength(2);
    expect(critical.body.data.total).toBe(2);
    expect(critical.body.data.alerts.every((a: any) => a.severity === 'CRITICAL')).toBe(true);
    const payment = await t.api.get('/api/admin/alerts?alertType=PAYMENT_BLOCK');
    expect(payment.body.data.alerts.map((a: any) => a.alertType)).toEqual([
      'PAYMENT_BLOCK',
      'PAYMENT_BLOCK',
      'PAYMENT_BLOCK',
    ]);
    const byClient = await t.api.get('/api/admin/alerts?resourceId=default-client');
    expect(byClient.body.data.total).toBe(3);
    expect(byClient.body.data.alerts.every((a: any) => a.resourceId === 'default-client')).toBe(true);
  });

  test('pages by cursor without repeating or skipping an alert', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.api.get(`/api/admin/alerts?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.alerts.map((a: any) => a.id));
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(65);
    expect(new Set(seen).size).toBe(65);
  });

  test('pages without skipping alerts written within the same millisecond', async () => {
    // PostgreSQL keeps microseconds; a cursor carries milliseconds.
    await t.sql(
      `insert into alert_log (id, created_at, alert_type, alert_key, severity, resource_id, channel, metadata,
         resolved_at)
       select 'same-ms-' || g, timestamptz '2020-01-01 00:00:00.123000+00' + g * interval '1 microsecond',
         'STUCK_CLIENT', 'same-ms-' || g, 'LOW', 'same-ms', 'sms', '{}', now() from generate_series(1, 5) g`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.api.get(
        `/api/admin/alerts?resourceId=same-ms&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.data.alerts.map((a: any) => a.id));
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['same-ms-5', 'same-ms-4', 'same-ms-3', 'same-ms-2', 'same-ms-1']);
    await t.sql(`delete from alert_log where resource_id = 'same-ms'`);
  });

  test.each([
    ['limit=0', 'query.limit'],
    ['limit=-5', 'query.limit'],
    ['limit=1.5', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['severity=URGENT', 'query.severity'],
    ['alertType=FIRE', 'query.alertType'],
    ['cursor=not-a-cursor', 'query.cursor'],
  ])('refuses %s with 400 naming %s', async (qs, field) => {
    const res = await t.api.get(`/api/admin/alerts?${qs}`);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.issues.map((i: any) => i.field)).toContain(field);
  });

  test('accepts the limit bounds 1 and 200', async () => {
    expect((await t.api.get('/api/admin/alerts?limit=1')).body.data.alerts).toHaveLength(1);
    expect((await t.api.get('/api/admin/alerts?limit=200')).body.data.alerts).toHaveLength(65);
  });

  test('caps a limit above 200 at 200 instead of refusing it (spec: max 200)', async () => {
    const many = Array.from({ length: 140 }, (_, i) => [`cap-${i}`, `k-cap-${i}`]);
    for (const [id, key] of many) {
      await t.sql(
        `insert into alert_log (id, alert_type, alert_key, severity, resource_id, channel, resolved_at) values (?,
          'POOL_EMPTY', ?, 'LOW', 'cap-pool', 'ops_log', now())`,
        [id, key],
      );
    }
    const res = await t.api.get('/api/admin/alerts?limit=500');
    expect(res.status).toBe(200);
    expect(res.body.data.showing).toBe(200);
    expect(res.body.data.nextCursor).toEqual(expect.any(String));
    await t.sql(`delete from alert_log where resource_id = 'cap-pool'`);
  });
});

describe('GET /api/admin/stuck-clients', () => {
  let high: { id: string }, terminal: { id: string };
  beforeAll(async () => {
    high = await seedClient(t, { stuck: { severity: 'HIGH' }, step: 'S9_TEST_CALL', stalledHours: 30 });
    terminal = await seedClient(t, { stuck: { severity: 'CRITICAL', terminal: true }, stalledHours: 300 });
    await seedClient(t, { stalledHours: 1 }); // progressing, not stuck
  });

  test('lists only clients detected as stuck, with their onboarding context', async () => {
    const res = await t.api.get('/api/admin/stuck-clients');
    expect(res.status).toBe(200);
    const ids = res.body.data.clients.map((c: any) => c.clientId);
    expect(ids.sort()).toEqual([high.id, terminal.id].sort());
    const h = res.body.data.clients.find((c: any) => c.clientId === high.id);
    expect(h).toMatchObject({ currentStep: 'S9_TEST_CALL', severity: 'HIGH', isTerminal: false, lastAlert: null });
    expect(h.minutesSinceProgress).toBeGreaterThanOrEqual(30 * 60 - 1);
  });

  test('filters by severity and by terminal', async () => {
    const bySeverity = await t.api.get('/api/admin/stuck-clients?severity=HIGH');
    expect(bySeverity.body.data.clients.map((c: any) => c.clientId)).toEqual([high.id]);
    const terminalOnly = await t.api.get('/api/admin/stuck-clients?terminal=true');
    expect(terminalOnly.body.data.clients.map((c: any) => c.clientId)).toEqual([terminal.id]);
  });

  test('refuses an unknown severity or terminal value', async () => {
    expect((await t.api.get('/api/admin/stuck-clients?severity=BAD')).status).toBe(400);
    const res = await t.api.get('/api/admin/stuck-clients?terminal=yes');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].field).toBe('query.terminal');
  });
});

describe('GET /api/admin/clients and /clients/:id', () => {
  test('lists clients newest first and pages by cursor', async () => {
    const first = await t.api.get('/api/admin/clients?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.clients).toHaveLength(2);
    expect(first.body.data.total).toBe(3);
    const second = await t.api.get(`/api/admin/clients?limit=2&cursor=${first.body.data.nextCursor}`);
    expect(second.body.data.clients).toHaveLength(1);
    expect(second.body.data.nextCursor).toBeNull();
    const ids = [...first.body.data.clients, ...second.body.data.clients].map((c: any) => c.id);
    expect(new Set(ids).size).toBe(3);
  });

  test('shows one client with its flags and onboarding state', async () => {
    const c = await seedClient(t, { businessName: 'Test Business', withNumber: true, step: 'S4_HOURS' });
    const res = await t.api.get(`/api/admin/clients/${c.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: expect.objectContaining({
        id: c.id,
        businessName: 'Test Business',
        onboardingComplete: false,
        opsAlertsMuted: false,
        paymentActive: false,
        paymentGateAlertedAt: null,
        twilioNumber: c.number,
        onboardingState: expect.objectContaining({ currentStep: 'S4_HOURS', stuckDetectedAt: null }),
      }),
    });
  });

  test('answers 404 NOT_FOUND for an unknown client', async () => {
    const res = await t.api.get('/api/admin/clients/no-such-client');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Client not found' } });
  });
});
