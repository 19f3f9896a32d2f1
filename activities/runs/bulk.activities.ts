import { AppError } from '../../src/platform/http/errors.ts';
import type { BulkRequest } from '../../src/runs/bulk.contract.ts';
import type { RunsService } from '../../src/runs/runs.service.ts';

/** One step of a bulk action: each run cancelled or retried through the runs service, audited one by one. */
export function createBulkActivities(deps: { runs: RunsService }) {
  return {
    async applyBulkAction(input: BulkRequest): Promise<{ done: number; skipped: number }> {
      let done = 0;
      let skipped = 0;
      for (const id of input.workflowIds) {
        try {
          if (input.action === 'cancel') await deps.runs.cancel(id, input.reason, input.audit);
          else await deps.runs.retry(id, input.reason, input.audit);
          done++;
        } catch (err) {
          // A run that no longer qualifies (it ended, or was retried meanwhile) is left alone; anything
          // else (Temporal or the database unreachable) fails the step, which is retried as a whole.
          if (err instanceof AppError && err.status < 500) skipped++;
          else throw err;
        }
      }
      return { done, skipped };
    },
  };
}

export type BulkActivities = ReturnType<typeof createBulkActivities>;
