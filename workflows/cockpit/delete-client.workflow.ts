import { ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CockpitActivities, DeleteClientInput } from '../../activities/cockpit/index.ts';
import {
  DELETE_FAILURES,
  type DeleteClientRequest,
  type DeleteClientResult,
} from '../../src/cockpit/client-delete.contract.ts';
import { dbStep, localDbStep, transactionalStep } from '../presets.ts';

// The read-only pre-flight runs as a local activity: no round trip through the
// server for a step that is safe to repeat.
// Each step carries a summary, so the Web UI shows the deletion as the business process it is.
const { checkClientDeletable } = proxyLocalActivities<CockpitActivities>({
  ...localDbStep,
  summary: "Safety checks (the spec's five)",
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
 * fails), then one transaction that deletes everything or nothing.
 */
export async function deleteClientWorkflow(input: DeleteClientRequest): Promise<DeleteClientResult> {
  const request: DeleteClientInput = { ...input, workflowId: workflowInfo().workflowId };

  await checkClientDeletable(request);

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
