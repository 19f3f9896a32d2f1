import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { bootstrapBody, execute, newRequestId } from '../support/control.ts';
import { callsSince } from '../support/recording-proxy.ts';
import { runsOf, searchAttributesOf } from '../support/temporal.ts';
import { uniqueId } from '../support/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});
// Each test starts with a fresh per-minute budget for every key.
beforeEach(async () => {
  await t.sql('truncate rate_limit');
});

const callsOf = async (since: number) => ({
  stripe: (await callsSince(t.env.stripeProxy, since)).map((c) => `${c.method} ${c.path.split('?')[0]}`),
  twilio: (await callsSince(t.env.twilioProxy, since)).map((c) => `${c.method} ${c.path.split('?')[0]}`),
});
const auditOf = (requestId: string) =>
  t.sql(
    `select action, outcome, actor_type, actor_id, workflow_id, after from audit_event where after->>'requestId' =
      ? order by id`,
    [requestId],
  );

describe('tenant.bootstrap (spec example, recommended format)', () => {
  test('creates the tenant, checks Stripe and Twilio for real and reports the checklist', async () => {
    const businessId = uniqueId('biz');
    const since = Date.now();
    const body = bootstrapBody(businessId, { name: 'Acme Corp', skipVoiceTest: false, skipBillingCheck: false });
    const res = await execute(t, body);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      requestId: body.meta.requestId,
      tool: 'tenant.bootstrap',
      dryRun: false,
      executedAt: expect.any(String),
      durationMs: expect.any(Number),
      _meta: { version: 'v1.3.0', cached: false },
    });
    const r = res.body.result;
    expect(r).toMatchObject({
      ok: true,
      businessId,
      ready: true,
      readyMessage: 'Tenant is fully bootstrapped and ready',
    });
    expect(r.checklist.map((c: any) => [c.step, c.item, c.tool, c.status])).toEqual([
      [1, 'Tenant Record', 'tenant.ensure', 'done'],
      [2, 'Billing Configuration', 'billing.validateStripeConfig', 'done'],
      [3, 'Voice Services', 'voice.smokeTest', 'warning'],
      [4, 'Provisioning Status', 'tenant.provisioningSummary', 'in_progress'],
    ]);
    expect(r.checklist[0].details).toBe('Created');
    expect(r.checklist[1].details).toBe('Stripe test');
    expect(r.checklist[2].details).toBe('3/4 checks passed');
    expect(r.checklist[3].details).toBe('20% complete');
    expect(r.stats).toEqual({ totalSteps: 4, completed: 2, warnings: 1, skipped: 0, failed: 0 });
    expect(r.recommendations[0]).toEqual({
      priority: 'high',
      item: 'subscription',
      message: 'Activate subscription to unlock all features',
    });
    expect(r.recommendations).toContainEqual({
      priority: 'medium',
      item: 'calendar',
      message: 'Connect Google Calendar for availability sync',
    });
    expect(r.details.tenant).toEqual({ businessId, existed: false, created: true });
    expect(r.details.billing).toMatchObject({ stripeConfigured: true, stripeMode: 'test' });
    expect(r.details.voice).toMatchObject({ passed: 3, total: 4 });
    expect(r.details.provisioning).toMatchObject({ exists: true, score: 20 });
    expect(r.summary).toBe(`Bootstrapped tenant ${businessId} - Ready (2/4 complete)`);

    // What really happened: the row, the calls that reached Stripe and Twilio, the run, the audit.
    const [client] = await t.sql(`select business_name from client where id = ?`, [businessId]);
    expect(client.business_name).toBe('Acme Corp');
    const calls = await callsOf(since);
    expect(calls.stripe.sort()).toEqual(['GET /v1/balance', 'GET /v1/prices/price_basic', 'GET /v1/prices/price_pro']);
    expect(calls.twilio.sort()).toEqual([
      'GET /2010-04-01/Accounts/AC00000000000000000000000000000000.json',
      'GET /2010-04-01/Accounts/AC00000000000000000000000000000000/IncomingPhoneNumbers.json',
    ]);
    const attrs = await searchAttributesOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId));
    expect(attrs).toMatchObject({
      operation: 'ops.tenant.bootstrap',
      tenantId: businessId,
      actor: 'control-key:admin',
    });
    const audit = await auditOf(body.meta.requestId);
    expect(audit.map((a: any) => [a.action, a.outcome])).toEqual([['ops.tenant.bootstrap', 'success']]);
    expect(audit[0]).toMatchObject({
      actor_type: 'control-key',
      actor_id: 'admin',
      workflow_id: opsWorkflowId('admin', body.meta.requestId),
    });
    expect(audit[0].after).toMatchObject({
      tool: 'tenant.bootstrap',
      keyName: 'admin',
      dryRun: false,
      durationMs: expect.any(Number),
    });
    const created = await t.sql(
      `select count(*)::int as n from audit_event where action = 'tenant.create' and resource_id = ?`,
      [businessId],
    );
    expect(created[0].n).toBe(1);
  });

  test('the run shows each step as its own activity in Temporal', async () => {
    const body = bootstrapBody(uniqueId('biz'));
    await execute(t, body);
    const history = await t.temporal.client.workflow
      .getHandle(opsWorkflowId('admin', body.meta.requestId))
      .fetchHistory();
    const activities = history
      .events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    expect(activities.sort()).toEqual(['validateStripeConfig', 'voiceSmokeTest']);
    const markers = history.events!.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(markers).toHaveLength(2); // tenant.ensure and tenant.provisioningSummary run as local activities
    // The Web UI reads as business: every step has a summary, and so has the run.
    const converter = (await import('@temporalio/common')).defaultPayloadConverter;
    const summaries = history
      .events!.filter((e) => e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes)
      .map((e) => (e.userMetadata?.summary ? converter.fromPayload(e.userMetadata.summary) : null));
    expect(summaries.sort()).toEqual([
      'Step 1: tenant.ensure',
      'Step 2: billing.validateStripeConfig',
      'Step 3: voice.smokeTest',
      'Step 4: tenant.provisioningSummary',
    ]);
    const summary = await t.temporal.client.workflow.getHandle(opsWorkflowId('admin', body.meta.requestId)).describe();
    expect(await summary.staticSummary()).toBe(
      `tenant.bootstrap ${body.payload.businessId} · tenant ${body.payload.businessId} · by control-key:admin`,
    );
  });

  test('legacy format with an existing tenant reports "Already exists"', async () => {
    const businessId = uniqueId('biz');
    await t.sql(
      `insert into client (id, business_name, payment_active, twilio_number, calendar_provider,
        scheduling_configured) values (?, 'Old Co', true, '+447700900123', 'google', true)`,
      [businessId],
    );
    const res = await execute(
      t,
      { requestId: newRequestId(), tool: 'tenant.bootstrap', dryRun: false, args: { businessId, name: 'Ignored' } },
      'n8n',
    );
    expect(res.status).toBe(200);
    expect(res.body.result.checklist[0]).toMatchObject({ status: 'done', details: 'Already exists' });
    expect(res.body.result.details.tenant).toEqual({ businessId, existed: true, created: false });
    expect(res.body.result.checklist[3]).toMatchObject({ status: 'done', details: '100% complete' });
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(
      'Old Co',
    );
  });

  test('skipVoiceTest and skipBillingCheck skip those steps and call neither Stripe nor Twilio', async () => {
    const since = Date.now();
    const res = await execute(t, bootstrapBody(uniqueId('biz'), { skipVoiceTest: true, skipBillingCheck: true }));
    expect(res.status).toBe(200);
    expect(res.body.result.checklist.map((c: any) => c.status)).toEqual(['done', 'skipped', 'skipped', 'in_progress']);
    expect(res.body.result.stats).toEqual({ totalSteps: 4, completed: 1, warnings: 0, skipped: 2, failed: 0 });
    expect(res.body.result.ready).toBe(true);
    expect(await callsOf(since)).toEqual({ stripe: [], twilio: [] });
  });
});

describe('idempotency by requestId', () => {
  test('a replay is served from the store with _meta.cached, running nothing', async () => {
    const body = bootstrapBody(uniqueId('biz'));
    const first = await execute(t, body);
    const since = Date.now();
    const again = await execute(t, body);
    expect(again.status).toBe(200);
    expect(again.body._meta).toEqual({ version: 'v1.3.0', cached: true, originalExecutedAt: first.body.executedAt });
    expect(again.body.result).toEqual(first.body.result);
    expect(await callsOf(since)).toEqual({ stripe: [], twilio: [] });
    expect(await runsOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId))).toHaveLength(1);
    expect((await auditOf(body.meta.requestId)).map((a: any) => a.outcome)).toEqual(['success', 'cached']);
  });

  test('the same requestId with a different payload is refused and runs nothing', async () => {
    const body = bootstrapBody(uniqueId('biz'));
    await execute(t, body);
    const changed = { ...body, payload: { ...body.payload, businessId: uniqueId('other') } };
    const res = await execute(t, changed);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      ok: false,
      requestId: body.meta.requestId,
      tool: 'tenant.bootstrap',
      error: { code: 'REQUEST_ID_REUSED' },
    });
    expect(res.body.error.message).toContain('different payload');
    expect(await t.sql(`select id from client where id = ?`, [changed.payload.businessId])).toEqual([]);
  });

  test('200 identical requests at once run the tool once and all get the same result', async () => {
    const businessId = uniqueId('biz');
    const body = bootstrapBody(businessId);
    const since = Date.now();
    const responses = await Promise.all(Array.from({ length: 200 }, () => execute(t, body, 'admin')));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    for (const r of responses) expect(r.body.result).toEqual(responses[0].body.result);
    expect(responses.filter((r) => r.body._meta.cached === false)).toHaveLength(1);
    expect(await runsOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId))).toHaveLength(1);
    const calls = await callsOf(since);
    expect(calls.stripe).toHaveLength(3);
    expect(calls.twilio).toHaveLength(2);
    expect(
      (
        await t.sql(`select count(*)::int as n from audit_event where action = 'tenant.create' and resource_id = ?`, [
          businessId,
        ])
      )[0].n,
    ).toBe(1);
  });
});

describe('a tool that fails', () => {
  test('answers 500 with the workflow id, caches nothing, and the same requestId runs again once fixed', async () => {
    const businessId = uniqueId('biz');
    // A real statement failure inside tenant.ensure's transaction, for this tenant only.
    await t.sql(`create or replace function refuse_tenant() returns trigger language plpgsql as $$
      begin if new.id = tg_argv[0] then raise exception 'injected failure for %', new.id; end if; return new; end $$`);
    const trigger = `refuse_${businessId.replace(/-/g, '_')}`;
    await t.sql(
      `create trigger ${trigger} before insert on client for each row execute function refuse_tenant('${businessId}')`,
    );
    const body = { tool: 'tenant.ensure', payload: { businessId }, meta: { requestId: newRequestId('fails') } };
    try {
      const res = await execute(t, body);
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({
        ok: false,
        requestId: body.meta.requestId,
        tool: 'tenant.ensure',
        error: {
          code: 'TOOL_ERROR',
          details: { workflowId: opsWorkflowId('admin', body.meta.requestId) },
          help: expect.stringContaining('retried'),
        },
      });
      // The failure's own text (a database error here) stays in the logs, never in the answer.
      expect(JSON.stringify(res.body)).not.toContain('injected failure');
      expect(await t.sql(`select key from idempotency_record where key = ?`, [body.meta.requestId])).toEqual([]);
      expect((await auditOf(body.meta.requestId)).map((a: any) => a.outcome)).toEqual(['failed']);
    } finally {
      await t.sql(`drop trigger ${trigger} on client`);
    }
    const retry = await execute(t, body);
    expect(retry.status).toBe(200);
    expect(retry.body.result).toMatchObject({ businessId, created: true });
    expect(
      (await runsOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId), { atLeast: 2 }))
        .map((r) => r.status)
        .sort(),
    ).toEqual(['COMPLETED', 'FAILED']);
  });
});

describe('dry run', () => {
  test('describes the plan, changes nothing anywhere, and is audited', async () => {
    const businessId = uniqueId('biz');
    const since = Date.now();
    const body = bootstrapBody(businessId, { dryRun: true });
    const res = await execute(t, body);
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.result).toMatchObject({ dryRun: true, summary: `[DRY RUN] Would bootstrap tenant ${businessId}` });
    expect(res.body.result.plan[0]).toContain('would be created');
    expect(await t.sql(`select id from client where id = ?`, [businessId])).toEqual([]);
    expect(await callsOf(since)).toEqual({ stripe: [], twilio: [] });
    const audit = await auditOf(body.meta.requestId);
    expect(audit).toHaveLength(1);
    expect(audit[0].after.dryRun).toBe(true);
  });
});

describe('the other tools', () => {
  test('tenant.ensure creates once, then reports it exists', async () => {
    const businessId = uniqueId('biz');
    const first = await execute(t, {
      tool: 'tenant.ensure',
      payload: { businessId, name: 'Ensure Co' },
      meta: { requestId: newRequestId() },
    });
    expect(first.body.result).toMatchObject({ ok: true, businessId, existed: false, created: true });
    const second = await execute(t, {
      tool: 'tenant.ensure',
      payload: { businessId },
      meta: { requestId: newRequestId() },
    });
    expect(second.body.result).toMatchObject({ existed: true, created: false });
  });

  test('billing.validateStripeConfig reports its checks', async () => {
    const res = await execute(
      t,
      { tool: 'billing.validateStripeConfig', payload: {}, meta: { requestId: newRequestId() } },
      'readonly',
    );
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ ok: true, status: 'done', stripeConfigured: true, stripeMode: 'test' });
    expect(res.body.result.checks.map((c: any) => [c.name, c.ok])).toEqual([
      ['secretKey', true],
      ['apiReachable', true],
      ['price:price_basic', true],
      ['price:price_pro', true],
      ['webhookSecret', true],
    ]);
  });

  test('voice.smokeTest without a tenant checks the number pool', async () => {
    const res = await execute(t, { tool: 'voice.smokeTest', payload: {}, meta: { requestId: newRequestId() } }, 'n8n');
    expect(res.status).toBe(200);
    expect(res.body.result.checks.map((c: any) => c.name)).toEqual([
      'credentials',
      'account',
      'phoneNumbers',
      'numberPool',
    ]);
  });

  test('tenant.provisioningSummary of an unknown tenant says so', async () => {
    const res = await execute(
      t,
      {
        tool: 'tenant.provisioningSummary',
        payload: { businessId: 'nobody-here' },
        meta: { requestId: newRequestId() },
      },
      'readonly',
    );
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ ok: false, exists: false, status: 'failed', details: 'Tenant not found' });
  });
});

describe('GET /api/internal/ops/execute', () => {
  test('lists the tools with scope, required args and whether this key may use them', async () => {
    const res = await t.anonymous
      .get('/api/internal/ops/execute')
      .set('x-book8-internal-secret', 'test-readonly-key-0123456789abc');
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    expect(res.body).toMatchObject({
      ok: true,
      version: 'v1.3.0',
      health: { status: 'ok', timestamp: expect.any(String) },
    });
    const bootstrap = res.body.tools.find((x: any) => x.name === 'tenant.bootstrap');
    expect(bootstrap).toMatchObject({ requiredScope: 'tenant.write', requiredArgs: ['businessId'], accessible: false });
    expect(res.body.tools.find((x: any) => x.name === 'tenant.provisioningSummary').accessible).toBe(true);
    expect(res.body.tools.map((x: any) => x.name).sort()).toEqual([
      'billing.validateStripeConfig',
      'tenant.bootstrap',
      'tenant.ensure',
      'tenant.provisioningSummary',
      'voice.smokeTest',
    ]);
  });
});

describe('errors', () => {
  test('missing header: 401 AUTH_FAILED', async () => {
    const res = await t.anonymous.post('/api/internal/ops/execute').send(bootstrapBody('x'));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      ok: false,
      error: { code: 'AUTH_FAILED', message: 'Missing x-book8-internal-secret header' },
    });
  });

  test('invalid key: 401 AUTH_FAILED, on GET too', async () => {
    for (const req of [
      t.anonymous.post('/api/internal/ops/execute').send({}),
      t.anonymous.get('/api/internal/ops/execute'),
    ]) {
      const res = await req.set('x-book8-internal-secret', 'not-a-key');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ ok: false, error: { code: 'AUTH_FAILED', message: 'Invalid API key' } });
    }
  });

  test("a key without the tool's scope: 403 FORBIDDEN, nothing created", async () => {
    const businessId = uniqueId('biz');
    const body = bootstrapBody(businessId);
    const res = await execute(t, body, 'readonly');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      ok: false,
      requestId: body.meta.requestId,
      tool: 'tenant.bootstrap',
      error: { code: 'FORBIDDEN' },
    });
    expect(await t.sql(`select id from client where id = ?`, [businessId])).toEqual([]);
    expect((await auditOf(body.meta.requestId))[0]).toMatchObject({ outcome: 'rejected' });
  });

  test.each([
    ['no requestId', 'body.meta.requestId', { tool: 'tenant.bootstrap', payload: { businessId: 'b' }, meta: {} }],
    ['no tool', 'body.tool', { payload: { businessId: 'b' }, meta: { requestId: 'r-1' } }],
    ['payload not an object', 'body.payload', { tool: 'tenant.bootstrap', payload: 'b', meta: { requestId: 'r-1' } }],
    [
      'unknown top-level field',
      'body',
      { tool: 'tenant.bootstrap', payload: {}, meta: { requestId: 'r-1' }, extra: 1 },
    ],
    ['legacy without args', 'body.args', { requestId: 'r-1', tool: 'tenant.bootstrap' }],
    ['dryRun not boolean', 'body.dryRun', { requestId: 'r-1', tool: 'tenant.bootstrap', dryRun: 'yes', args: {} }],
  ])('%s: 400 VALIDATION_ERROR naming %s', async (_label, field, body) => {
    const res = await execute(t, body);
    expect(res.status).toBe(400);
    expect(res.body.ok).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.issues.map((i: any) => i.field)).toContain(field);
  });

  test.each([
    [
      'missing businessId (new format)',
      'payload.businessId',
      { tool: 'tenant.bootstrap', payload: {}, meta: { requestId: newRequestId() } },
    ],
    [
      'missing businessId (legacy)',
      'args.businessId',
      { requestId: newRequestId(), tool: 'tenant.bootstrap', args: {} },
    ],
    [
      'skipVoiceTest not boolean',
      'payload.skipVoiceTest',
      {
        tool: 'tenant.bootstrap',
        payload: { businessId: 'b', skipVoiceTest: 'no' },
        meta: { requestId: newRequestId() },
      },
    ],
    [
      'unknown argument',
      'payload',
      { tool: 'tenant.ensure', payload: { businessId: 'b', plan: 'pro' }, meta: { requestId: newRequestId() } },
    ],
  ])('%s: 400 ARGS_VALIDATION_ERROR naming %s', async (_label, field, body) => {
    const res = await execute(t, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ARGS_VALIDATION_ERROR');
    expect(res.body.error.details.issues.map((i: any) => i.field)).toContain(field);
    expect(res.body.error.help).toContain('businessId');
  });

  test('a tool outside the allowlist: 400 TOOL_NOT_ALLOWED', async () => {
    const res = await execute(t, { tool: 'tenant.delete', payload: { businessId: 'b' }, meta: { requestId: 'r-del' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      ok: false,
      requestId: 'r-del',
      tool: 'tenant.delete',
      error: { code: 'TOOL_NOT_ALLOWED' },
    });
    expect(res.body.error.details.allowed).toContain('tenant.bootstrap');
  });
});

describe('rate limits', () => {
  test("the request past a key's budget gets 429 with Retry-After and X-RateLimit-* headers", async () => {
    const body = { tool: 'tenant.delete', payload: {}, meta: { requestId: 'rl-1' } };
    for (let i = 0; i < 100; i++) {
      const res = await execute(t, body, 'legacy');
      expect(res.status).toBe(400);
      expect(res.headers['x-ratelimit-limit']).toBe('100');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(99 - i));
    }
    const limited = await execute(t, body, 'legacy');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      ok: false,
      error: {
        code: 'RATE_LIMIT_EXCEEDED',
        message: 'Too many requests. Please try again later.',
        retryAfter: expect.any(Number),
      },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-limit']).toBe('100');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    // Another key has its own budget.
    expect((await execute(t, body, 'admin')).status).toBe(400);
  });

  test('two API processes share one budget', async () => {
    const replica = await createTestContext();
    try {
      const body = { tool: 'tenant.delete', payload: {}, meta: { requestId: 'rl-2' } };
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) statuses.push((await execute(i % 2 ? t : replica, body, 'legacy')).status);
      expect(statuses.filter((s) => s === 400)).toHaveLength(100);
      expect(statuses[100]).toBe(429);
    } finally {
      await replica.close();
    }
  });
});
