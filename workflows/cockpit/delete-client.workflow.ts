import { ApplicationFailure, patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CockpitActivities, DeleteClientInput } from '../../activities/cockpit/index.ts';
import {
  DELETE_FAILURES,
  type DeleteClientRequest,
  type DeleteClientResult,
} from '../../src/cockpit/client-delete.contract.ts';
import { dbStep, localDbStep, transactionalStep } from '../presets.ts';
import { approvalGate } from '../approval.ts';

// The read-only pre-flight (only before an approval) runs as a local activity: no round
// trip through the server for a step that is safe to repeat.
// Each step carries a summary, so the Web UI shows the deletion as the business process it is.
const { checkClientDeletable } = proxyLocalActivities<CockpitActivities>({
  ...localDbStep,
  summary: "Safety checks (the spec's five)",
});
const { planClientDeletion } = proxyLocalActivities<CockpitActivities>({
  ...localDbStep,
  summary: 'Plan for the approver: what would be deleted (reads only)',
});
const { recordAuditEvent } = proxyActivities<CockpitActivities>({
  ...dbStep,
  summary: 'Record the rolled-back deletion',
});
const { deleteClientData } = proxyActivities<CockpitActivities>({
  ...transactionalStep,
  summary: 'Release the number, delete all client data (one transaction)',
});

/** The change that made the transaction the only step of a deletion without an approval. */
const DELETE_IN_ONE_STEP = 'delete-client-checks-in-transaction';

/**
 * client-delete:<id>:<incarnation>. One transaction that checks every safety rule
 * and deletes everything or nothing; when approvals are on, the checks, a plan and
 * the approver's decision come first.
 */
export async function deleteClientWorkflow(input: DeleteClientRequest): Promise<DeleteClientResult> {
  const request: DeleteClientInput = { ...input, workflowId: workflowInfo().workflowId };
  const gate = input.approval ? approvalGate(input.approval) : null;

  // With approvals on: the safety checks first, so no one is asked to approve a deletion they would
  // refuse; then a second operator sees the plan and decides before anything is touched.
  // Without, the transaction is the only step: it runs every safety check under the client's row
  // lock and deletes nothing when one fails (a pre-flight would cost a step and still be re-checked).
  // A run started before this shape (its history has the pre-flight first) replays as it ran.
  if (gate || !patched(DELETE_IN_ONE_STEP)) await checkClientDeletable(request);
  if (gate) await gate.awaitDecision(await planClientDeletion(request));

  try {
    return await deleteClientData(request);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure && cause.nonRetryable) throw cause;
    await recordAuditEvent(request.audit, {
      action: 'client.delete',
      resourceType: 'client',
      resourceId: input.clientId,
      outcome: 'failed',
      after: { error: cause instanceof Error ? cause.message : String(err) },
      workflowId: request.workflowId,
    });
    throw ApplicationFailure.nonRetryable('Failed to delete client. Transaction rolled back.', DELETE_FAILURES.failed);
  }
}
