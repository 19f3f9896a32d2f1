import type { Client } from '@temporalio/client';
import { Actor, Operation, TenantId } from '../../src/platform/temporal/search-attributes.ts';
import { waitFor } from './faults.ts';

/**
 * Every run ever started under a workflow ID (all runs, not only the latest).
 * Visibility trails the history by a moment, so this waits (up to 10 s) until
 * no run is listed as RUNNING unless `running` says some may be, and at least
 * `atLeast` runs (default 1) are listed.
 */
export async function runsOf(client: Client, workflowId: string, opts: { running?: boolean; atLeast?: number } = {}) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const runs: { runId: string; status: string }[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs.push({ runId: w.runId, status: w.status.name });
    }
    const settled = opts.running || !runs.some((r) => r.status === 'RUNNING');
    if ((settled && runs.length >= (opts.atLeast ?? 1)) || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function searchAttributesOf(client: Client, workflowId: string) {
  const desc = await client.workflow.getHandle(workflowId).describe();
  return {
    operation: desc.typedSearchAttributes.get(Operation),
    tenantId: desc.typedSearchAttributes.get(TenantId),
    actor: desc.typedSearchAttributes.get(Actor),
    memo: desc.memo,
  };
}

/**
 * The runs `GET /api/admin/runs?<query>` lists once at least `atLeast` are there (the run index and
 * visibility trail a run's start by a moment), and, with `ended`, once none of them is still running.
 */
export async function listedRuns(
  api: { get(path: string): PromiseLike<{ status: number; body: any }> },
  query: string,
  atLeast: number,
  opts: { ended?: boolean } = {},
) {
  let runs: any[] = [];
  await waitFor(async () => {
    const res = await api.get(`/api/admin/runs?${query}`);
    if (res.status !== 200) throw new Error(`runs list answered ${res.status}`);
    runs = res.body.data.runs;
    return runs.length >= atLeast && (!opts.ended || runs.every((r) => r.status !== 'RUNNING'));
  }, `${atLeast} runs listed for ${query}`);
  return runs;
}
