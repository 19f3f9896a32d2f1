import { defineQuery, defineUpdate } from '@temporalio/workflow';

// Approvals: an operation configured to need one (APPROVALS) builds its plan, then waits for a second
// operator's decision until a deadline. The one place the gate's messages, states and failure codes are
// spelled. Pure (no I/O): the workflows import it too.

/** What the run is asked to wait for, fixed when it starts (so a config change never alters a running run). */
export interface ApprovalGate {
  /** Who asked for the operation (`kind:name`): never the one who may approve it. */
  requestedBy: string;
  /** How long the run waits for a decision before it ends as expired. */
  timeoutMs: number;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired';

/** The plan and the state of its approval, as the approvals list and the run's memo show it. */
export interface ApprovalView {
  state: ApprovalState;
  /** What the operation will do (a dry run: counts, amounts), built before anyone is asked. */
  plan: Record<string, unknown>;
  requestedBy: string;
  deadline: string;
  decidedBy?: string;
  reason?: string;
}

export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  /** The deciding operator (`kind:name`) and their role, from the API's authenticated principal. */
  decidedBy: string;
  reason: string;
}

/** Waits until the plan is built and answers it; the API's way to answer 202 with the plan. */
export const approvalPlanUpdate = defineUpdate<ApprovalView>('approvalPlan');
/** A second operator's decision; refused (validator) when it is the requester's, late, or already made. */
export const approvalDecisionUpdate = defineUpdate<ApprovalView, [ApprovalDecision]>('approvalDecision');

export const APPROVAL_FAILURES = {
  rejected: 'APPROVAL_REJECTED',
  expired: 'APPROVAL_EXPIRED',
  selfApproval: 'SELF_APPROVAL',
  closed: 'APPROVAL_CLOSED',
} as const;

/** Where an operator reads and decides a run's approval (the runs module's approvals API). */
export const approvalUrlOf = (workflowId: string) => `/api/admin/approvals/${encodeURIComponent(workflowId)}`;
/** Where a run's steps are read (the runs module's runs API). */
export const runUrlOf = (workflowId: string) => `/api/admin/runs/${encodeURIComponent(workflowId)}`;

/** Kept so the approvals list can also read a run's approval by query (e.g. from the Temporal CLI). */
export const approvalQuery = defineQuery<ApprovalView | null>('approval');
