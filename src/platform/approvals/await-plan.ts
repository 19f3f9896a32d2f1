import type { WorkflowHandle } from '@temporalio/client';
import { awaitOutcome, type CommittedAnswer, type RunOutcome } from '../temporal/runs.ts';
import type { ApplicationFailure } from '@temporalio/common';
import { AppError } from '../http/errors.ts';
import { APPROVAL_FAILURES, approvalPlanUpdate, approvalUrlOf, type ApprovalView } from './approval.contract.ts';

export type GatedOutcome<R> = RunOutcome<R> | { state: 'awaiting_approval'; approval: ApprovalView };

/**
 * For a run behind an approval gate (`gated`): its plan as soon as it waits for a decision, or its outcome
 * when it ends first (a safety check refused it, or it was decided and finished), within the bound.
 */
export function outcomeOrPlan<R>(
  handle: WorkflowHandle,
  gated: boolean,
  timeoutMs: number,
  stopping?: AbortSignal,
  committed?: CommittedAnswer<R>,
): Promise<GatedOutcome<R>> {
  const outcome = awaitOutcome<R>(handle, timeoutMs, stopping, committed);
  // Without a gate there is no plan to wait for: the outcome alone answers (no update round trip).
  if (!gated) return outcome;
  // The update fails when the run ends before (or without) its plan: its outcome answers then.
  const planned = handle.executeUpdate(approvalPlanUpdate).then(
    (approval): GatedOutcome<R> => ({ state: 'awaiting_approval', approval }),
    () => outcome,
  );
  return Promise.race([outcome, planned]);
}

/** The answer for a run that ended because it was not approved (409 with its approval URL), else null. */
export function notApproved(failure: ApplicationFailure | null, what: string, workflowId: string): AppError | null {
  if (!failure || !wasNotApproved(failure.type)) return null;
  return new AppError(409, failure.type, `The ${what} was not approved: ${failure.message}`, {
    details: { workflowId, approvalUrl: approvalUrlOf(workflowId) },
  });
}

/** Whether a run's failure code says it was not approved (rejected, or nobody decided in time). */
export const wasNotApproved = (type: string | null | undefined) =>
  type === APPROVAL_FAILURES.rejected || type === APPROVAL_FAILURES.expired;
