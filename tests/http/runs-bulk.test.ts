import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { createTestContext, type TestContext } from '../support/context.ts';
import { uniqueId } from '../support/factories.ts';
import { operatorKeyWith } from '../support/dispatch.ts';
import { waitFor } from '../support/faults.ts';
import { runSearchAttributes } from '../../src/platform/temporal/search-attributes.ts';

// Bulk actions by filter: a preview first, then exactly the previewed runs, in one batch run.
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

/** Real runs on a task queue no worker polls: they stay open, and nothing of them ever executes. */
async function openRuns(n: number, operation: string, tenantId: string): Promise<WorkflowHandle[]> {
  const queue = uniqueId('nobody-polls');
  const handles: WorkflowHandle[] = [];
  for (let i = 0; i < n; i += 20) {
    handles.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, () =>
          t.temporal.client.workflow.start('deliverWebhookWorkflow', {
            workflowId: uniqueId(`${operation}:bulk`),
            taskQueue: queue,
            args: [{}],
            typedSearchAttributes: runSearchAttributes({ operation, tenantId, actor: 'test' }),
          }),
        ),
      )),
    );
  }
  await waitFor(
    async () =>
      (await t.temporal.client.workflow.count(`TenantId = '${tenantId}' AND Operation = '${operation}'`)).count === n,
    `${n} runs of ${tenantId} in visibility`,
  );
  return handles;
}
const cancelRequested = async (h: WorkflowHandle) => {
  const history = await h.fetchHistory();
  return (history.events ?? []).some(
    (e) => e.eventType === proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
  );
};
const bulk = (body: object) => t.api.post('/api/admin/runs/bulk').send(body);

describe('POST /api/admin/runs/bulk', () => {
  test('cancel by filter: a preview acts on nothing; its token cancels exactly those 100 runs, no other', async () => {
    const tenant = uniqueId('bulk-tenant');
    const targets = await openRuns(100, 'webhook', tenant);
    const bystanders = await openRuns(5, 'webhook', uniqueId('other-tenant'));
    const notCancellable = await openRuns(2, 'client-delete', tenant);
    const request = { filter: { tenantId: tenant }, action: 'cancel', reason: 'subscriber retired' };

    const preview = await bulk(request);
    expect(preview.status).toBe(200);
    expect(preview.body.data).toMatchObject({ action: 'cancel', count: 100 });
    expect(preview.body.data.runs).toHaveLength(20);
    expect(preview.body.data.previewToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(preview.body.data.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(await cancelRequested(targets[0]!)).toBe(false);

    const run = await bulk({ ...request, previewToken: preview.body.data.previewToken });
    expect(run.status).toBe(202);
    expect(run.body.data).toMatchObject({ action: 'cancel', count: 100, status: 'STARTED' });
    const batch = t.temporal.client.workflow.getHandle(run.body.data.workflowId);
    expect(await batch.result()).toEqual({ total: 100, done: 100, skipped: 0 });

    const cancelled = await Promise.all(targets.map(cancelRequested));
    expect(cancelled.filter(Boolean)).toHaveLength(100);
    expect(await Promise.all([...bystanders, ...notCancellable].map(cancelRequested))).toEqual(Array(7).fill(false));

    // Its progress from the runs API; one audit for the batch and one per run, with the reason.
    const detail = await t.api.get(`/api/admin/runs/${encodeURIComponent(run.body.data.workflowId)}`);
    expect(detail.body.data).toMatchObject({ status: 'COMPLETED', progress: { total: 100, done: 100 } });
    const audits = await t.sql(
      `select action, count(*)::int as n from audit_event where (action = 'run.cancel' and resource_id in (?))
          or (action = 'runs.bulk.cancel' and resource_id = ?) group by action order by action`,
      [targets.map((h) => h.workflowId), run.body.data.workflowId],
    );
    expect(audits).toEqual([
      { action: 'run.cancel', n: 100 },
      { action: 'runs.bulk.cancel', n: 1 },
    ]);

    // The token sent again (a lost answer) answers the same batch; it starts no second one.
    const again = await bulk({ ...request, previewToken: preview.body.data.previewToken });
    expect(again.status).toBe(202);
    expect(again.body.data.workflowId).toBe(run.body.data.workflowId);
    await Promise.all([...targets, ...bystanders, ...notCancellable].map((h) => h.terminate('test over')));
  }, 120_000);

  test('a token is refused for another filter, another operator, or once expired', async () => {
    const tenant = uniqueId('bulk-tenant');
    const runs = await openRuns(3, 'webhook', tenant);
    const request = { filter: { tenantId: tenant }, action: 'cancel', reason: 'x' };
    const { previewToken } = (await bulk(request)).body.data;

    const otherFilter = await bulk({ ...request, filter: { tenantId: uniqueId('t') }, previewToken });
    expect(otherFilter.status).toBe(409);
    expect(otherFilter.body.error.code).toBe('PREVIEW_INVALID');
    const other = await operatorKeyWith(t, 'operator');
    const otherOperator = await t.anonymous
      .post('/api/admin/runs/bulk')
      .set('Authorization', `Bearer ${other}`)
      .send({ ...request, previewToken });
    expect(otherOperator.status).toBe(409);
    await t.sql(`update bulk_preview set expires_at = now() - interval '1 second'`);
    const expired = await bulk({ ...request, previewToken });
    expect(expired.status).toBe(409);
    expect(await Promise.all(runs.map(cancelRequested))).toEqual([false, false, false]);
    await Promise.all(runs.map((h) => h.terminate('test over')));
  });

  test('a viewer may not act in bulk (403); a bad action or token is 400 naming the field', async () => {
    const viewer = await operatorKeyWith(t, 'viewer');
    const asViewer = await t.anonymous
      .post('/api/admin/runs/bulk')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ action: 'cancel', reason: 'x' });
    expect(asViewer.status).toBe(403);
    const badAction = await bulk({ action: 'terminate', reason: 'x' });
    expect(badAction.status).toBe(400);
    expect(JSON.stringify(badAction.body.error)).toContain('action');
    const badToken = await bulk({ action: 'cancel', reason: 'x', previewToken: 'nope' });
    expect(badToken.status).toBe(400);
    expect(JSON.stringify(badToken.body.error)).toContain('previewToken');
  });
});
