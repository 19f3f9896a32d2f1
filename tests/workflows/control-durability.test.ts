import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { createTestContext, type TestContext } from '../support/context.ts';
import { bootstrapBody, execute } from '../support/control.ts';
import { uniqueId } from '../support/factories.ts';
import { startTestWorker } from '../support/worker-process.ts';
import { holdLock, killHard, waitFor, waitForBlockedStatement } from '../support/faults.ts';
import { runsOf } from '../support/temporal.ts';

// Each test here runs its own worker processes on a private task queue.
const contexts: TestContext[] = [];
const workers: ChildProcess[] = [];
let base: TestContext;
beforeAll(async () => {
  base = await createTestContext();
});
afterEach(async () => {
  for (const w of workers.splice(0)) w.kill('SIGKILL');
  for (const c of contexts.splice(0)) await c.close();
});
afterAll(async () => {
  await base.close();
});

async function contextOn(taskQueue: string, env: Record<string, string> = {}) {
  const t = await createTestContext({ taskQueue, env });
  contexts.push(t);
  return t;
}
async function workerOn(taskQueue: string, env: Record<string, string> = {}) {
  const { databaseUrl, temporalAddress, stripeProxy, twilioProxy } = base.env;
  const w = await startTestWorker(
    { databaseUrl, temporalAddress, taskQueue, stripeApiBase: stripeProxy, twilioApiBase: twilioProxy },
    env,
  );
  workers.push(w);
  return w;
}

describe('a request still running', () => {
  test('answers 202 to its sender, 409 REQUEST_IN_PROGRESS to a duplicate, then its result', async () => {
    const queue = uniqueId('no-worker-yet');
    const t = await contextOn(queue, { SYNC_WAIT: '1s', DUPLICATE_WAIT: '1s' });
    const body = bootstrapBody(uniqueId('biz'), { skipVoiceTest: true, skipBillingCheck: true });

    const first = await execute(t, body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      ok: true,
      requestId: body.meta.requestId,
      status: 'running',
      workflowId: opsWorkflowId('admin', body.meta.requestId),
    });

    const duplicate = await execute(t, body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      ok: false,
      requestId: body.meta.requestId,
      tool: 'tenant.bootstrap',
      error: { code: 'REQUEST_IN_PROGRESS' },
    });

    await workerOn(queue);
    await waitFor(async () => (await execute(t, body)).status === 200, 'the run to finish');
    const done = await execute(t, body);
    expect(done.body._meta.cached).toBe(true);
    expect(done.body.result.ready).toBe(true);
    expect(await runsOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId))).toHaveLength(1);
  });
});

describe('a worker killed during tenant.bootstrap', () => {
  test('is replaced, the bootstrap resumes and creates the tenant exactly once', async () => {
    const queue = uniqueId('bootstrap-crash');
    const t = await contextOn(queue, { SYNC_WAIT: '60s' });
    const first = await workerOn(queue);
    const businessId = uniqueId('biz');

    // Another transaction inserting the same tenant id holds step 1 inside its INSERT.
    const lock = await holdLock(t.env.databaseUrl, `insert into client (id, business_name) values ($1, 'blocker')`, [
      businessId,
    ]);
    const body = bootstrapBody(businessId, { name: 'Crash Co' });
    const pending = execute(t, body).then((r) => r);
    await waitForBlockedStatement(t, 'insert into client%', 'step 1 to block');

    await killHard(first);
    await lock.release();
    await workerOn(queue);

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.result.checklist[0]).toMatchObject({ status: 'done' });
    expect(res.body.result.ready).toBe(true);
    expect((await t.sql(`select business_name from client where id = ?`, [businessId]))[0].business_name).toBe(
      'Crash Co',
    );
    expect(
      (
        await t.sql(`select count(*)::int as n from audit_event where action = 'tenant.create' and resource_id = ?`, [
          businessId,
        ])
      )[0].n,
    ).toBe(1);
    const history = await t.temporal.client.workflow
      .getHandle(opsWorkflowId('admin', body.meta.requestId))
      .fetchHistory();
    // tenant.ensure is a local activity: one completion marker, recorded by the replacement worker.
    const markers = history.events!.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(markers).toHaveLength(2);
    const timedOut = history.events!.filter((e) => e.workflowTaskTimedOutEventAttributes);
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    expect(await runsOf(t.temporal.client, opsWorkflowId('admin', body.meta.requestId))).toHaveLength(1);
  });
});

describe('failing dependencies', () => {
  test('Stripe unreachable and Twilio unconfigured give failed checklist items, not a crash', async () => {
    const queue = uniqueId('broken-deps');
    const t = await contextOn(queue);
    await workerOn(queue, { STRIPE_API_BASE: 'http://127.0.0.1:9', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
    const businessId = uniqueId('biz');
    const res = await execute(t, bootstrapBody(businessId));
    expect(res.status).toBe(200);
    const r = res.body.result;
    expect(r.checklist.map((c: any) => c.status)).toEqual(['done', 'failed', 'failed', 'in_progress']);
    expect(r.checklist[1].details).toContain('Stripe API call failed');
    expect(r.checklist[2].details).toBe('0/2 checks passed');
    expect(r.ready).toBe(false);
    expect(r.readyMessage).toContain('Tenant is not ready');
    expect(r.stats).toMatchObject({ failed: 2 });
    expect(r.recommendations.slice(0, 2).map((x: any) => [x.priority, x.item])).toEqual([
      ['high', 'billing'],
      ['high', 'voice'],
    ]);
    expect(r.summary).toBe(`Bootstrapped tenant ${businessId} - Not ready (1/4 complete)`);
  });
});
