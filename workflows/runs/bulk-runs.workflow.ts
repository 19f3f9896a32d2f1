import { proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { BulkActivities } from '../../activities/runs/bulk.activities.ts';
import type { BulkProgress, BulkRequest } from '../../src/runs/bulk.contract.ts';
import { dbStep } from '../presets.ts';

const { applyBulkAction } = proxyActivities<BulkActivities>({ ...dbStep, summary: 'Act on the next runs' });

/** Runs in one step of the batch: small enough that a retried step repeats little (each action is idempotent). */
const CHUNK = 25;

/** runs-bulk:<preview id>: the previewed runs, cancelled or retried in steps, its progress in its memo. */
export async function bulkRunsWorkflow(input: BulkRequest): Promise<BulkProgress> {
  const progress: BulkProgress = { total: input.workflowIds.length, done: 0, skipped: 0 };
  upsertMemo({ progress });
  for (let i = 0; i < input.workflowIds.length; i += CHUNK) {
    const step = await applyBulkAction({ ...input, workflowIds: input.workflowIds.slice(i, i + CHUNK) });
    progress.done += step.done;
    progress.skipped += step.skipped;
    upsertMemo({ progress });
  }
  return progress;
}
