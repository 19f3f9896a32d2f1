import type { WorkflowHandle } from '@temporalio/client';
import { awaitOutcome, type RunOutcome } from '../temporal/runs.ts';
import { approvalPlanUpdate, type ApprovalView } from './approval.contract.ts';

export type GatedOutcome<R> = RunOutcome<R> | { state: 'awaiting_approval'; approval: ApprovalView };

/**
 * For a run behind an approval gate: its plan as soon as it waits for a decision, or its outcome
 * when it ends first (a safety check refused it, or it was decided and finished), within the bound.
 */
export function outcomeOrPlan<R>(
  handle: WorkflowHandle,
  timeoutMs: number,
  stopping?: AbortSignal,
): Promise<GatedOutcome<R>> {
  const outcome = awaitOutcome<R>(handle, timeoutMs, stopping);
  // The update fails when the run ends before (or without) its plan: its outcome answers then.
  const planned = handle.executeUpdate(approvalPlanUpdate).then(
    (approval): GatedOutcome<R> => ({ state: 'awaiting_approval', approval }),
    () => outcome,
  );
  return Promise.race([outcome, planned]);
}
