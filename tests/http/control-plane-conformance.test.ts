import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { bootstrapBody, execute, newRequestId } from '../support/control.ts';
import { runsOf } from '../support/temporal.ts';
import { uniqueId } from '../support/factories.ts';
import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.sql('truncate rate_limit');
});

const auditOf = (requestId: string) =>
  t.sql(`select outcome, actor_id from audit_event where after->>'requestId' = ? order by id`, [requestId]);

describe('requestIds are scoped to the calling key', () => {
  test("one key's requestId neither blocks nor answers another key's request with the same requestId", async () => {
    const requestId = newRequestId('shared');
    const businessId = uniqueId('biz');
    const readonly = await execute(
      t,
      { tool: 'tenant.provisioningSummary', payload: { businessId }, meta: { requestId } },
      'readonly',
    );
    expect(readonly.status).toBe(200);
    expect(readonly.body.result.exists).toBe(false);

    // The same requestId from n8n's key, another payload: its own request, not 422 and not the readonly answer.
    const n8n = await execute(
      t,
      bootstrapBody(businessId, { requestId, skipBillingCheck: true, skipVoiceTest: true }),
      'n8n',
    );
    expect(n8n.status).toBe(200);
    expect(n8n.body._meta.cached).toBe(false);
    expect(n8n.body.result).toMatchObject({ businessId, ready: true });
    // A skipped check is visible: in the checklist, and in the audit row, with the key that skipped it.
    expect(n8n.body.result.checklist.filter((c: any) => c.status === 'skipped').map((c: any) => c.details)).toEqual([
      'Skipped by request (skipBillingCheck, key n8n)',
      'Skipped by request (skipVoiceTest, key n8n)',
    ]);
    const [audit] = await t.sql(
      `select actor_id, after -> 'skippedChecks' as skipped from audit_event
        where action = 'ops.tenant.bootstrap' and after ->> 'requestId' = ? and outcome = 'success'`,
      [requestId],
    );
    expect(audit).toEqual({ actor_id: 'n8n', skipped: ['billing.validateStripeConfig', 'voice.smokeTest'] });

    // Each key's replay answers its own stored result.
    const readonlyAgain = await execute(
      t,
      { tool: 'tenant.provisioningSummary', payload: { businessId }, meta: { requestId } },
      'readonly',
    );
    expect(readonlyAgain.body).toMatchObject({ result: { exists: false }, _meta: { cached: true } });
    expect(await runsOf(t.temporal.client, opsWorkflowId('readonly', requestId))).toHaveLength(1);
    expect(await runsOf(t.temporal.client, opsWorkflowId('n8n', requestId))).toHaveLength(1);
    expect(await t.sql(`select scope from idempotency_record where key = ? order by scope`, [requestId])).toEqual([
      { scope: 'ops.execute:n8n' },
      { scope: 'ops.execute:readonly' },
    ]);
  });

  test('the same key still gets 422 for a reused requestId with another payload', async () => {
    const body = bootstrapBody(uniqueId('biz'), { skipBillingCheck: true, skipVoiceTest: true });
    expect((await execute(t, body, 'n8n')).status).toBe(200);
    const reused = await execute(t, { ...body, payload: { ...body.payload, name: 'Other' } }, 'n8n');
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('REQUEST_ID_REUSED');
  });
});

describe('a cached replay', () => {
  test('spends one budget point and records one audit event, in the same statement that finds it', async () => {
    const body = bootstrapBody(uniqueId('biz'), { skipBillingCheck: true, skipVoiceTest: true });
    const first = await execute(t, body);
    const replay = await execute(t, body);
    expect(replay.body._meta.cached).toBe(true);
    // The stored answer is replayed as it was sent, its keys in the same order.
    expect(Object.keys(replay.body)).toEqual(Object.keys(first.body));
    expect(Object.keys(replay.body.result)).toEqual(Object.keys(first.body.result));
    expect(Number(first.headers['x-ratelimit-remaining']) - Number(replay.headers['x-ratelimit-remaining'])).toBe(1);
    expect((await auditOf(body.meta.requestId)).map((a) => a.outcome)).toEqual(['success', 'cached']);
  });

  test('over budget, a replay is refused with 429 and records no cached answer', async () => {
    const body = bootstrapBody(uniqueId('biz'), { skipBillingCheck: true, skipVoiceTest: true });
    expect((await execute(t, body, 'legacy')).status).toBe(200);
    await t.sql(`update rate_limit set points = 100 where key = 'rl100:ops:legacy'`);
    const limited = await execute(t, body, 'legacy');
    expect(limited.status).toBe(429);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect((await auditOf(body.meta.requestId)).map((a) => a.outcome)).toEqual(['success']);
  });
});

describe("requests the spec's own n8n templates send", () => {
  test('an empty name (an unset n8n field) is accepted and the businessId names the tenant', async () => {
    const businessId = uniqueId('biz');
    const res = await execute(
      t,
      {
        tool: 'tenant.bootstrap',
        payload: { businessId, name: '' },
        meta: { requestId: newRequestId(), dryRun: false },
      },
      'n8n',
    );
    expect(res.status).toBe(200);
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(
      businessId,
    );
  });

  test('extra keys in meta are accepted and ignored; a known key spelled another way is refused', async () => {
    const businessId = uniqueId('biz');
    const extra = await execute(
      t,
      {
        tool: 'tenant.ensure',
        payload: { businessId },
        meta: {
          requestId: newRequestId(),
          workflow: 'onboarding',
          source: 'n8n',
          actor: { type: 'system', id: 'flow-1', name: 'Onboarding' },
        },
      },
      'n8n',
    );
    expect(extra.status).toBe(200);
    const typo = await execute(
      t,
      { tool: 'tenant.ensure', payload: { businessId }, meta: { requestId: 'typo-1', dryrun: true } },
      'n8n',
    );
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.issues).toContainEqual({
      field: 'body.meta.dryrun',
      message: 'unknown key; did you mean dryRun?',
    });
  });

  test('a VALIDATION_ERROR names the requestId and tool it could read', async () => {
    const res = await execute(t, { tool: 'tenant.bootstrap', payload: 'oops', meta: { requestId: 'named-1' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      ok: false,
      requestId: 'named-1',
      tool: 'tenant.bootstrap',
      error: { code: 'VALIDATION_ERROR' },
    });
  });
});

describe('refused requests are audited safely', () => {
  test('an over-long businessId in a refused call is not written to the audit row', async () => {
    const requestId = newRequestId('long');
    const res = await execute(t, {
      tool: 'tenant.delete',
      payload: { businessId: 'x'.repeat(5000) },
      meta: { requestId },
    });
    expect(res.status).toBe(400);
    const [row] = await t.sql(`select resource_id, outcome from audit_event where after->>'requestId' = ?`, [
      requestId,
    ]);
    expect(row).toEqual({ resource_id: null, outcome: 'rejected' });
  });
});
