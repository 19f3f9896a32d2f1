import { ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CockpitActivities, DeleteClientInput } from '../../activities/cockpit/index.ts';
import {
  DELETE_FAILURES,
  type DeleteClientRequest,
  type DeleteClientResult,
} from '../../src/cockpit/client-delete.contract.ts';
import { dbStep, localDbStep, transactionalStep } from '../presets.ts';
import { approvalGate } from '../approval.ts';

// The read-only pre-flight runs as a local activity: no round trip through the
// server for a step that is safe to repeat.
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

/**
 * client-delete:<id>:<incarnation>. Safety checks first (nothing touched if any
 * fails), then (when approvals are on) the approver's decision, then one
 * transaction that deletes everything or nothing.
 */
export async function deleteClientWorkflow(input: DeleteClientRequest): Promise<DeleteClientResult> {
  const request: DeleteClientInput = { ...input, workflowId: workflowInfo().workflowId };
  const gate = input.approval ? approvalGate(input.approval) : null;

  await checkClientDeletable(request);
  // With approvals on: a second operator sees the plan and decides before anything is touched.
  // The transaction re-checks every safety rule, so a change made while it waited still stops it.
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
