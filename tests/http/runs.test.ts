import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestContext, type TestContext } from '../support/context.ts';
import { seedClient, uniqueId } from '../support/factories.ts';
import { bootstrapBody, execute } from '../support/control.ts';
import { BLOCKED_DELETION, deletionUnderWay, holdClientRow, waitForBlockedStatement } from '../support/faults.ts';
import { operatorKeyWith } from '../support/dispatch.ts';
import { opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { runSearchAttributes } from '../../src/platform/temporal/search-attributes.ts';
import { listedRuns, runsOf } from '../support/temporal.ts';

// The runs API reads Temporal's visibility store: what the Web UI shows, in the platform's terms.
let t: TestContext;
const UI = 'http://temporal-ui.example:8233';
beforeAll(async () => {
  t = await createTestContext({ env: { TEMPORAL_UI_URL: UI } });
});
afterAll(async () => {
  await t.close();
});

/** The runs a filter lists once the index and visibility have caught up with `expected` ended ones. */
const listed = (query: string, expected: number) => listedRuns(t.api, query, expected, { ended: true });

const deleted = async () => {
  const c = await seedClient(t, { opsAlertsMuted: true, records: 1 });
  const res = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
  expect(res.status).toBe(200);
  // The answer comes once the deletion commits; the run closes a moment later.
  await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result();
  return c;
};

describe('GET /api/admin/runs', () => {
  test("lists a tenant's runs with their operation, actor, status and Web UI link", async () => {
    const c = await deleted();
    const [run] = await listed(`tenantId=${c.id}`, 1);
    expect(run).toEqual({
      workflowId: c.deleteWorkflowId,
      runId: expect.any(String),
      workflowType: 'deleteClientWorkflow',
      operation: 'client-delete',
      tenantId: c.id,
      actor: expect.stringMatching(/^operator-key:/),
      status: 'COMPLETED',
      // A deletion without an approval step (APPROVALS is off here).
      approvalState: null,
      approval: null,
      startedAt: expect.stringMatching(/Z$/),
      closedAt: expect.stringMatching(/Z$/),
      webUiUrl: `${UI}/namespaces/default/workflows/${encodeURIComponent(c.deleteWorkflowId)}/${run.runId}/history`,
    });
  });

  test('filters by operation and status across modules', async () => {
    const businessId = uniqueId('runs-biz');
    const body = bootstrapBody(businessId, { dryRun: true });
    expect((await execute(t, body)).status).toBe(200);
    const runs = await listed(`tenantId=${businessId}&operation=ops.tenant.bootstrap&status=COMPLETED`, 1);
    expect(runs.map((r) => r.workflowId)).toEqual([opsWorkflowId('admin', body.meta.requestId)]);
    const none = await t.api.get(`/api/admin/runs?tenantId=${businessId}&status=FAILED`);
    expect(none.body.data).toEqual({ runs: [], nextCursor: null });
  });

  test('pages with a cursor: every run once, and the last page says there is no more', async () => {
    const businessId = uniqueId('runs-page');
    for (let i = 0; i < 3; i++)
      expect((await execute(t, bootstrapBody(businessId, { dryRun: true }))).status).toBe(200);
    await listed(`tenantId=${businessId}`, 3);
    const first = await t.api.get(`/api/admin/runs?tenantId=${businessId}&limit=2`);
    expect(first.body.data.runs).toHaveLength(2);
    expect(first.body.data.nextCursor).toEqual(expect.any(String));
    const second = await t.api.get(
      `/api/admin/runs?tenantId=${businessId}&limit=2&cursor=${first.body.data.nextCursor}`,
    );
    expect(second.body.data.runs).toHaveLength(1);
    expect(second.body.data.nextCursor).toBeNull();
    const ids = [...first.body.data.runs, ...second.body.data.runs].map((r: any) => r.workflowId);
    expect(new Set(ids).size).toBe(3);
  });

  test.each([
    ['status=DONE', 'query.status'],
    ["tenantId=x'%20OR%20'1'='1", 'query.tenantId'],
    ['from=yesterday', 'query.from'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
    ['cursor=not%20a%20cursor', 'query.cursor'],
    ['cursor=AAAA', 'query.cursor'],
    [`cursor=${Buffer.from('{"StartTime":"soon"}').toString('base64url')}`, 'query.cursor'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await t.api.get(`/api/admin/runs?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(JSON.stringify(res.body.error)).toContain(field.replace('query.', ''));
  });

  test('needs an operator: anonymous is 401', async () => {
    expect((await t.anonymous.get('/api/admin/runs')).status).toBe(401);
  });
});

describe('GET /api/admin/runs/:workflowId', () => {
  test("a deletion's steps from its history, in order, with attempts and outcomes, and its result", async () => {
    const c = await deleted();
    const res = await t.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(res.status).toBe(200);
    const run = res.body.data;
    expect(run).toMatchObject({ status: 'COMPLETED', operation: 'client-delete' });
    expect(run.summary).toContain(`Delete client ${c.id}`);
    expect(run.steps.map((s: any) => [s.step, s.kind, s.outcome])).toEqual([
      ['deleteClientData', 'activity', 'completed'],
    ]);
    expect(run.steps[0].attempts).toBe(1);
    expect(run.result).toMatchObject({ clientId: c.id });
  });

  test('a run that failed on a business rule answers its failure code, not its internals', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true });
    const del = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: 'Someone Else' });
    expect(del.status).toBe(400);
    const res = await t.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(res.body.data).toMatchObject({
      status: 'FAILED',
      error: { code: 'SAFETY_CHECK_FAILED', message: 'The run failed; its steps say where.' },
    });
    expect(JSON.stringify(res.body.data)).not.toContain('Someone Else');
  });

  test('an unknown run is 404', async () => {
    const res = await t.api.get('/api/admin/runs/no-such-run');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('POST /api/admin/runs/:workflowId/cancel', () => {
  const cancel = (workflowId: string, body: object = { reason: 'stuck for an hour' }) =>
    t.api.post(`/api/admin/runs/${encodeURIComponent(workflowId)}/cancel`).send(body);
  const cancelAudits = (workflowId: string) =>
    t.sql(`select 1 from audit_event where action = 'run.cancel' and resource_id = ?`, [workflowId]);

  test('a run that has ended is not cancelled: 409 RUN_NOT_RUNNING, nothing audited', async () => {
    const c = await deleted();
    const res = await cancel(c.deleteWorkflowId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, error: { code: 'RUN_NOT_RUNNING' } });
    expect(await cancelAudits(c.deleteWorkflowId)).toEqual([]);
  });

  test('a running deletion cannot be stopped halfway: 409 RUN_NOT_CANCELLABLE, and it still finishes', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, records: 1 });
    const lock = await holdClientRow(t.env.databaseUrl, c.id);
    const pending = deletionUnderWay(t.api, c);
    await waitForBlockedStatement(t, BLOCKED_DELETION, 'the deletion to block on the client row');
    const res = await cancel(c.deleteWorkflowId);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'RUN_NOT_CANCELLABLE', details: { operation: 'client-delete' } });
    await lock.release();
    expect((await pending).status).toBe(200);
    expect(await cancelAudits(c.deleteWorkflowId)).toEqual([]);
  });

  test('a viewer may not cancel (403); a reason is required (400); an unknown run is 404', async () => {
    const viewer = await operatorKeyWith(t, 'viewer');
    const asViewer = await t.anonymous
      .post('/api/admin/runs/some-run/cancel')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ reason: 'x' });
    expect(asViewer.status).toBe(403);
    const noReason = await cancel('some-run', {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.error)).toContain('reason');
    expect((await cancel('no-such-run')).status).toBe(404);
  });
});

describe('POST /api/admin/runs/:workflowId/retry', () => {
  const retry = (workflowId: string, body: object = { reason: 'payment switched off, try again' }) =>
    t.api.post(`/api/admin/runs/${encodeURIComponent(workflowId)}/retry`).send(body);
  const retryAudits = (workflowId: string) =>
    t.sql(`select actor_id, before, after from audit_event where action = 'run.retry' and resource_id = ?`, [
      workflowId,
    ]);
  /** A real run on a task queue no worker polls: it stays open, and nothing of it ever executes. */
  const unpolledRun = (operation: string) =>
    t.temporal.client.workflow.start(operation === 'refund' ? 'refundPaymentWorkflow' : 'deleteClientWorkflow', {
      workflowId: uniqueId(`${operation}:retry-test`),
      taskQueue: uniqueId('nobody-polls'),
      args: [{}],
      typedSearchAttributes: runSearchAttributes({ operation, actor: 'test' }),
    });

  test('a deletion refused by a safety check runs again once the cause is fixed, as a new run of its ID', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, paymentActive: true, records: 1 });
    const refused = await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    expect(refused.status).toBe(400);
    const failed = await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).describe();
    expect(failed.status.name).toBe('FAILED');

    await t.sql(`update client set payment_active = false where id = ?`, [c.id]);
    const res = await retry(c.deleteWorkflowId);
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({
      workflowId: c.deleteWorkflowId,
      operation: 'client-delete',
      retryOf: failed.runId,
      status: 'RUNNING',
    });
    expect(res.body.data.runId).not.toBe(failed.runId);

    const result = await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result();
    expect(result).toMatchObject({ clientId: c.id, businessName: c.businessName });
    expect(await t.sql(`select 1 from client where id = ?`, [c.id])).toEqual([]);
    const [audit] = await retryAudits(c.deleteWorkflowId);
    expect(audit).toMatchObject({
      before: { runId: failed.runId, status: 'FAILED' },
      after: { reason: 'payment switched off, try again', operation: 'client-delete', runId: res.body.data.runId },
    });
    const detail = await t.api.get(`/api/admin/runs/${encodeURIComponent(c.deleteWorkflowId)}`);
    expect(detail.body.data).toMatchObject({ status: 'COMPLETED', runId: res.body.data.runId });
  });

  test('two operators retrying one failed run at once start one new run between them', async () => {
    const c = await seedClient(t, { opsAlertsMuted: true, paymentActive: true, records: 1 });
    await t.api.delete(`/api/admin/clients/${c.id}`).send({ confirmBusinessName: c.businessName });
    await t.sql(`update client set payment_active = false where id = ?`, [c.id]);
    const answers = await Promise.all([retry(c.deleteWorkflowId), retry(c.deleteWorkflowId)]);
    const accepted = answers.filter((a) => a.status === 202);
    // Either both joined the one new run, or the second found it already open (409 RUN_NOT_FAILED).
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(accepted.map((a) => a.body.data.runId)).size).toBe(1);
    for (const a of answers.filter((x) => x.status !== 202)) expect(a.body.error.code).toBe('RUN_NOT_FAILED');
    await t.temporal.client.workflow.getHandle(c.deleteWorkflowId).result();
    const runs = await listed(`tenantId=${c.id}&operation=client-delete`, 2);
    expect(runs.map((r) => r.status).sort()).toEqual(['COMPLETED', 'FAILED']);
  });

  test('a completed run is never run again: 409 RUN_NOT_FAILED, nothing audited', async () => {
    const c = await deleted();
    const res = await retry(c.deleteWorkflowId);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'RUN_NOT_FAILED', details: { status: 'COMPLETED' } },
    });
    expect(await retryAudits(c.deleteWorkflowId)).toEqual([]);
  });

  test('an open run is not retried; an operation not declared retryable is refused, naming the others', async () => {
    const open = await unpolledRun('client-delete');
    const running = await retry(open.workflowId);
    expect(running.status).toBe(409);
    expect(running.body.error).toMatchObject({ code: 'RUN_NOT_FAILED', details: { status: 'RUNNING' } });
    await open.terminate('test over');

    const refund = await unpolledRun('refund');
    await refund.terminate('declined by the bank');
    const res = await retry(refund.workflowId);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'RUN_NOT_RETRYABLE', details: { operation: 'refund' } });
    expect(res.body.error.details.retryable).toEqual(expect.arrayContaining(['client-delete', 'ops.tenant.bootstrap']));
    expect(res.body.error.details.retryable).not.toContain('refund');
    // Still the one terminated run: nothing was started again.
    expect(await runsOf(t.temporal.client, refund.workflowId)).toEqual([
      expect.objectContaining({ status: 'TERMINATED' }),
    ]);
    expect(await retryAudits(refund.workflowId)).toEqual([]);
  });

  test('a viewer may not retry (403); a reason is required (400); an unknown run is 404', async () => {
    const viewer = await operatorKeyWith(t, 'viewer');
    const asViewer = await t.anonymous
      .post('/api/admin/runs/some-run/retry')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ reason: 'x' });
    expect(asViewer.status).toBe(403);
    const noReason = await retry('some-run', { reason: '' });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.error)).toContain('reason');
    expect((await retry('no-such-run')).status).toBe(404);
  });
});
