import type { AuditContext } from '../platform/audit/audit.ts';
import { workflowId } from '../platform/temporal/workflow-ids.ts';

// ops:<tool>: the one place the control plane's workflow type, ID, input and
// failure codes are spelled. Pure (no I/O): the workflow imports it too.

export const OPS_EXECUTE = {
  /** Operation search attribute: `ops.<tool>`. */
  operationOf: (tool: string) => `ops.${tool}`,
  workflowType: 'opsExecuteWorkflow',
} as const;

/**
 * `ops:<key name>:<requestId>`: a requestId is scoped to the calling key, so one
 * key can never pre-claim, block or read another key's request.
 */
export const opsWorkflowId = (keyName: string, requestId: string) => workflowId('ops', keyName, requestId);

/** The rate-limit budget a key's POSTs spend. */
export const opsBudgetKey = (keyName: string) => `ops:${keyName}`;

/** The idempotency scope of a key's requests (`idempotency_record.scope`). */
export const opsIdempotencyScope = (keyName: string) => `ops.execute:${keyName}`;

export interface OpsExecuteInput {
  tool: string;
  args: Record<string, unknown>;
  dryRun: boolean;
  audit: AuditContext;
}

/** The workflow's signature, for typed starts without importing workflow code. */
export type OpsExecuteWorkflow = (input: OpsExecuteInput) => Promise<unknown>;

/** Error codes of spec 004, plus TOOL_ERROR for a tool other than bootstrap failing. */
export const OPS_ERRORS = {
  auth: 'AUTH_FAILED',
  forbidden: 'FORBIDDEN',
  validation: 'VALIDATION_ERROR',
  args: 'ARGS_VALIDATION_ERROR',
  notAllowed: 'TOOL_NOT_ALLOWED',
  rateLimited: 'RATE_LIMIT_EXCEEDED',
  inProgress: 'REQUEST_IN_PROGRESS',
  reused: 'REQUEST_ID_REUSED',
  bootstrap: 'BOOTSTRAP_ERROR',
  tool: 'TOOL_ERROR',
} as const;
