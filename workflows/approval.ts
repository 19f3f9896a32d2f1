import { ApplicationFailure, condition, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import {
  APPROVAL_FAILURES,
  approvalDecisionUpdate,
  approvalPlanUpdate,
  approvalQuery,
  type ApprovalGate,
  type ApprovalView,
} from '../src/platform/approvals/approval.contract.ts';
import { ApprovalState } from '../src/platform/temporal/search-attributes.ts';

/**
 * The approval gate of a run. Register it before the first step, so a caller waiting for the plan
 * (approvalPlanUpdate) is answered once `awaitDecision` has it; a run that fails before its plan
 * fails that wait too.
 */
export function approvalGate(gate: ApprovalGate) {
  let view: ApprovalView | null = null;
  const show = (next: ApprovalView) => {
    view = next;
    upsertSearchAttributes([{ key: ApprovalState, value: next.state }]);
    upsertMemo({ approval: next });
  };
  setHandler(approvalQuery, () => view);
  setHandler(approvalPlanUpdate, async () => {
    await condition(() => view !== null);
    return view!;
  });
  setHandler(
    approvalDecisionUpdate,
    (d) => {
      const v = view!;
      show({
        ...v,
        state: d.decision === 'approve' ? 'approved' : 'rejected',
        decidedBy: d.decidedBy,
        reason: d.reason,
      });
      return view!;
    },
    {
      validator: (d) => {
        if (!view || view.state !== 'pending')
          throw ApplicationFailure.nonRetryable('This run is not waiting for a decision', APPROVAL_FAILURES.closed);
        if (Date.now() >= Date.parse(view.deadline))
          throw ApplicationFailure.nonRetryable('The approval deadline has passed', APPROVAL_FAILURES.expired);
        if (d.decidedBy === view.requestedBy)
          throw ApplicationFailure.nonRetryable(
            'An operation is approved by a different operator than the one who requested it',
            APPROVAL_FAILURES.selfApproval,
          );
      },
    },
  );

  return {
    /** Shows the plan as pending and waits for the decision: returns on approval, fails the run otherwise. */
    async awaitDecision(plan: Record<string, unknown>): Promise<ApprovalView> {
      show({
        state: 'pending',
        plan,
        requestedBy: gate.requestedBy,
        deadline: new Date(Date.now() + gate.timeoutMs).toISOString(),
      });
      const decided = await condition(() => view!.state !== 'pending', gate.timeoutMs);
      if (!decided) {
        show({ ...view!, state: 'expired' });
        throw ApplicationFailure.nonRetryable('Nobody decided before the approval deadline', APPROVAL_FAILURES.expired);
      }
      if (view!.state === 'rejected')
        throw ApplicationFailure.nonRetryable(
          `Rejected by ${view!.decidedBy}: ${view!.reason}`,
          APPROVAL_FAILURES.rejected,
          { decidedBy: view!.decidedBy, reason: view!.reason },
        );
      return view!;
    },
  };
}
