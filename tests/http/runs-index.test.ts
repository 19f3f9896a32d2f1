import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { createTestContext, type TestContext } from '../support/context.ts';
import { uniqueId } from '../support/factories.ts';
import { waitFor } from '../support/faults.ts';
import { runSearchAttributes } from '../../src/platform/temporal/search-attributes.ts';
import { listedRuns } from '../support/temporal.ts';

// The runs list by labels reads the platform's run index (kept by every worker from Temporal's
// visibility) and each page's runs from visibility as they are now.
let t: TestContext;
const open: string[] = [];
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  // The runs this file started never end by themselves: none is left open for the files after it.
  await Promise.all(
    open.map((id) =>
      t.temporal.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await t.close();
});

/** Runs started straight on Temporal (not through the API), on a task queue no worker polls: they stay open. */
async function startRuns(tenantId: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const workflowId = `${tenantId}-run-${i}`;
    await t.temporal.client.workflow.start('bareWorkflow', {
      workflowId,
      taskQueue: uniqueId('nobody-polls'),
      typedSearchAttributes: runSearchAttributes({ operation: 'index-test', tenantId, actor: 'test' }),
    });
    ids.push(workflowId);
    open.push(workflowId);
  }
  return ids;
}

const listedOnce = (query: string, n: number) => listedRuns(t.api, query, n);

describe('the runs list from the run index', () => {
  test('a run started outside the API is listed once indexed, and its status is the one it has now', async () => {
    const tenantId = uniqueId('idx');
    const [workflowId] = await startRuns(tenantId, 1);
    const [run] = await listedOnce(`tenantId=${tenantId}`, 1);
    expect(run).toMatchObject({ workflowId, operation: 'index-test', tenantId, actor: 'test', status: 'RUNNING' });
    const indexed = await t.sql('select workflow_id, operation, tenant_id from run_index where tenant_id = ?', [
      tenantId,
    ]);
    expect(indexed).toEqual([{ workflow_id: workflowId, operation: 'index-test', tenant_id: tenantId }]);

    // The index holds what never changes; the status comes from visibility at each read.
    await t.temporal.client.workflow.getHandle(workflowId).terminate('test');
    await waitFor(async () => {
      const res = await t.api.get(`/api/admin/runs?tenantId=${tenantId}`);
      return res.body.data.runs[0]?.status === 'TERMINATED';
    }, 'the run to show as terminated');
    expect(await t.sql('select count(*)::int as n from run_index where tenant_id = ?', [tenantId])).toEqual([{ n: 1 }]);
  });

  test('pages newest first with its own cursor: every run once, the last page says there is no more', async () => {
    const tenantId = uniqueId('idx-pages');
    const started = await startRuns(tenantId, 7);
    await listedOnce(`tenantId=${tenantId}&limit=50`, 7);
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.api.get(`/api/admin/runs?tenantId=${tenantId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.runs);
      cursor = res.body.data.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.workflowId)).toEqual([...started].reverse());
    const starts = seen.map((r) => Date.parse(r.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  test('a run whose label PostgreSQL cannot store (a NUL) is left out, the runs after it still indexed', async () => {
    const tenantId = uniqueId('idx-nul');
    const bad = `${tenantId}-bad`;
    await t.temporal.client.workflow.start('bareWorkflow', {
      workflowId: bad,
      taskQueue: uniqueId('nobody-polls'),
      typedSearchAttributes: runSearchAttributes({
        operation: 'index-test',
        tenantId: `${tenantId}\u0000`,
        actor: 'test',
      }),
    });
    open.push(bad);
    const [good] = await startRuns(tenantId, 1);
    const [run] = await listedOnce(`tenantId=${tenantId}`, 1);
    expect(run.workflowId).toBe(good);
    expect(await t.sql('select count(*)::int as n from run_index where workflow_id = ?', [bad])).toEqual([{ n: 0 }]);
  });

  test("a run Temporal's retention has deleted leaves the index when its page is read; a young one stays", async () => {
    const ns = await t.temporal.client.workflowService.describeNamespace({ namespace: 'default' });
    const keepMs = optionalTsToMs(ns.config?.workflowExecutionRetentionTtl) ?? 0;
    expect(keepMs).toBeGreaterThan(0);
    const tenantId = uniqueId('idx-gone');
    const [live] = await startRuns(tenantId, 1);
    await listedOnce(`tenantId=${tenantId}`, 1);
    // Rows of runs visibility does not hold: one started long before the retention, one just now.
    const long = new Date(Date.now() - keepMs - 3_600_000);
    await t.sql(
      `insert into run_index (id, workflow_id, workflow_type, operation, tenant_id, actor, started_at, execution_time)
       values (?, 'gone', 'bareWorkflow', 'index-test', ?, 'test', ?, ?),
              (?, 'young', 'bareWorkflow', 'index-test', ?, 'test', now(), now())`,
      [randomUUID(), tenantId, long, long, randomUUID(), tenantId],
    );
    const res = await t.api.get(`/api/admin/runs?tenantId=${tenantId}`);
    expect(res.status).toBe(200);
    expect(res.body.data.runs.map((r: any) => r.workflowId)).toEqual([live]);
    const left = await t.sql('select workflow_id from run_index where tenant_id = ?', [tenantId]);
    expect(left.map((r) => r.workflow_id).sort()).toEqual([live, 'young'].sort());
  });

  test("a cursor is only taken by a list of its own kind: an index page's by a status filter is a 400", async () => {
    const tenantId = uniqueId('idx-kind');
    await startRuns(tenantId, 2);
    await listedOnce(`tenantId=${tenantId}`, 2);
    const byLabel = await t.api.get(`/api/admin/runs?tenantId=${tenantId}&limit=1`);
    const indexCursor = byLabel.body.data.nextCursor;
    expect(indexCursor).toEqual(expect.any(String));
    const mixed = await t.api.get(`/api/admin/runs?tenantId=${tenantId}&status=RUNNING&cursor=${indexCursor}`);
    expect(mixed.status).toBe(400);
    expect(JSON.stringify(mixed.body.error)).toContain('cursor');

    let byStatus: any;
    await waitFor(async () => {
      byStatus = await t.api.get(`/api/admin/runs?tenantId=${tenantId}&status=RUNNING&limit=1`);
      return Boolean(byStatus.body.data.nextCursor);
    }, 'a second page of running runs');
    const other = await t.api.get(`/api/admin/runs?tenantId=${tenantId}&cursor=${byStatus.body.data.nextCursor}`);
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body.error)).toContain('cursor');
  });
});
