import type { AuditContext } from '../platform/audit/audit.ts';
import type { ApprovalGate } from '../platform/approvals/approval.contract.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';
import type { DeletionLog } from './deletion.rules.ts';

// client-delete: the one place its workflow type, ID, input, output and failure
// codes are spelled. Pure (no I/O): the workflow imports it too.

export const CLIENT_DELETE = {
  operation: 'client-delete',
  workflowType: 'deleteClientWorkflow',
} as const;

/**
 * `client-delete:<id>:<incarnation>`: the ID names the row's incarnation, so a
 * client deleted and created again gets a new run with all its safety checks,
 * while a retried DELETE of the same row joins (or answers) its own run.
 */
export const clientDeleteWorkflowId = (clientId: string, incarnation: string) =>
  workflowId(CLIENT_DELETE.operation, clientId, incarnation);

export const isClientDeleteWorkflowId = (id: string) => id.startsWith(`${CLIENT_DELETE.operation}:`);

export interface DeleteClientRequest {
  clientId: string;
  incarnation: string;
  confirmBusinessName?: string;
  audit: AuditContext;
  /** Set when APPROVALS names client-delete: the run plans, then waits for a second operator. */
  approval?: ApprovalGate;
}

/** What an approver is shown before a deletion: the client, and what would be deleted and released. */
export interface DeletionPlan extends Record<string, unknown> {
  clientId: string;
  businessName: string;
  twilioNumberToRelease: string | null;
  recordsToDelete: DeletionLog['recordsDeleted'];
}

export type DeleteClientResult = DeletionLog;

/** The workflow's signature, for typed starts without importing workflow code. */
export type DeleteClientWorkflow = (input: DeleteClientRequest) => Promise<DeleteClientResult>;

/** Failure types a deletion run ends with; the HTTP layer maps them to the spec's answers. */
export const DELETE_FAILURES = {
  notFound: 'CLIENT_NOT_FOUND',
  safety: 'SAFETY_CHECK_FAILED',
  failed: 'DELETE_FAILED',
} as const;
