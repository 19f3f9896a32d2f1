import type { Client } from '@temporalio/client';
import { Actor, Operation, TenantId } from '../../src/platform/temporal/search-attributes.ts';

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
