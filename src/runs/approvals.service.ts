import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { RunsCursor } from './runs.schemas.ts';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../platform/http/errors.ts';
import { actorLabel, appendAudit, type AuditContext } from '../platform/audit/audit.ts';
import { findApplicationFailure } from '../platform/temporal/runs.ts';
import { ApprovalState, Operation } from '../platform/temporal/search-attributes.ts';
import {
  APPROVAL_FAILURES,
  approvalDecisionUpdate,
  approvalUrlOf,
  runUrlOf,
  type ApprovalView,
} from '../platform/approvals/approval.contract.ts';
import type { RunsService } from './runs.service.ts';

/** How the gate's refusals are answered: a self-approval is a permission problem, the rest a conflict. */
const REFUSALS: Record<string, number> = {
  [APPROVAL_FAILURES.selfApproval]: 403,
  [APPROVAL_FAILURES.expired]: 409,
  [APPROVAL_FAILURES.closed]: 409,
};

/** Approvals: the runs waiting for a second operator, their plans, and the decisions on them. */
export function createApprovalsService(deps: { orm: MikroORM; runs: RunsService }) {
  const present = (run: Awaited<ReturnType<RunsService['list']>>['runs'][number]) => ({
    workflowId: run.workflowId,
    operation: run.operation,
    tenantId: run.tenantId,
    requestedBy: run.approval?.requestedBy ?? run.actor,
    requestedAt: run.startedAt,
    deadline: run.approval?.deadline ?? null,
    plan: run.approval?.plan ?? null,
    runUrl: runUrlOf(run.workflowId),
    approveUrl: `${approvalUrlOf(run.workflowId)}/approve`,
    rejectUrl: `${approvalUrlOf(run.workflowId)}/reject`,
    webUiUrl: run.webUiUrl,
  });

  return {
    /** The runs awaiting a decision now, newest first, each with its plan. */
    async pending(q: { limit: number; cursor?: RunsCursor }) {
      const page = await deps.runs.list({ ...q, approvalState: 'pending', status: 'RUNNING' });
      return { approvals: page.runs.map(present), nextCursor: page.nextCursor };
    },

    /**
     * Approves or rejects a run waiting for it. The run itself refuses the requester, a decision
     * after its deadline and a second decision (its update validator), so two operators deciding at
     * once, or a decision racing the deadline, end in exactly one outcome.
     */
    async decide(workflowId: string, decision: 'approve' | 'reject', reason: string, who: AuditContext) {
      // A decision is a person's: an operator signed in with their own account. A bearer key belongs to no
      // account, so one could let whoever asked approve their own request under another name.
      if (who.actorType !== 'operator-session') {
        throw new AppError(
          403,
          'APPROVAL_NEEDS_SESSION',
          'An approval is decided by an operator signed in at /admin/login',
          {
            details: { workflowId },
          },
        );
      }
      const { handle, desc } = await deps.runs.described(workflowId);
      const state = desc.typedSearchAttributes.get(ApprovalState) ?? null;
      const operation = desc.typedSearchAttributes.get(Operation) ?? null;
      if (!state) {
        throw new AppError(409, 'NOT_AWAITING_APPROVAL', 'This run has no approval step', {
          details: { workflowId, operation },
        });
      }
      if (desc.status.name !== 'RUNNING' || state !== 'pending') {
        throw new AppError(409, APPROVAL_FAILURES.closed, `This run is no longer waiting for a decision (${state})`, {
          details: { workflowId, approvalState: state, status: desc.status.name },
        });
      }
      const decided: ApprovalView = await handle
        .executeUpdate(approvalDecisionUpdate, { args: [{ decision, decidedBy: actorLabel(who), reason }] })
        .catch((err: unknown) => {
          const failure = err instanceof WorkflowUpdateFailedError ? findApplicationFailure(err) : null;
          if (!failure?.type || !(failure.type in REFUSALS)) throw err;
          throw new AppError(REFUSALS[failure.type]!, failure.type, failure.message, { details: { workflowId } });
        });
      await appendAudit(deps.orm.em.fork() as EntityManager, who, {
        action: decision === 'approve' ? 'run.approve' : 'run.reject',
        resourceType: 'run',
        resourceId: workflowId,
        outcome: 'success',
        before: { approvalState: 'pending', requestedBy: decided.requestedBy },
        after: { reason, operation, approvalState: decided.state },
        workflowId,
      });
      return {
        workflowId,
        operation,
        approvalState: decided.state,
        decidedBy: decided.decidedBy,
        runUrl: runUrlOf(workflowId),
      };
    },
  };
}

export type ApprovalsService = ReturnType<typeof createApprovalsService>;
