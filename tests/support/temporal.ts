import type { Client } from '@temporalio/client';
import { Actor, Operation, TenantId } from '../../src/platform/temporal/search-attributes.ts';

/** Every run ever started under a workflow ID (all runs, not only the latest). */
export async function runsOf(client: Client, workflowId: string) {
  const runs: { runId: string; status: string }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: w.runId, status: w.status.name });
  }
  return runs;
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
