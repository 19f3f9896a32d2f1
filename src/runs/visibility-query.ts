import type { ApprovalState } from '../platform/approvals/approval.contract.ts';
import { visibilityLiteral } from '../platform/temporal/visibility-literal.ts';

/** The run statuses the runs API filters by, as Temporal's visibility names them. */
export const RUN_STATUSES = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELED: 'Canceled',
  TERMINATED: 'Terminated',
  TIMED_OUT: 'TimedOut',
  CONTINUED_AS_NEW: 'ContinuedAsNew',
} as const;
export type RunStatus = keyof typeof RUN_STATUSES;

export interface RunsFilter {
  operation?: string;
  tenantId?: string;
  actor?: string;
  status?: RunStatus;
  from?: Date;
  to?: Date;
  /** Runs behind an approval gate, by the state of their approval. */
  approvalState?: ApprovalState;
  /** Only these operations (a bulk action narrows the filter to those it may act on). */
  operationIn?: readonly string[];
  /** Only these statuses (a bulk action: open runs to cancel, failed ones to retry). */
  statusIn?: readonly RunStatus[];
}

const literal = (name: string, value: string) => visibilityLiteral(value, name);

/** The visibility query of a runs filter: every condition ANDed, by the platform's search attributes. */
export function runsQuery(f: RunsFilter): string {
  const parts: string[] = [];
  if (f.operation) parts.push(`Operation = ${literal('operation', f.operation)}`);
  if (f.tenantId) parts.push(`TenantId = ${literal('tenantId', f.tenantId)}`);
  if (f.actor) parts.push(`Actor = ${literal('actor', f.actor)}`);
  if (f.approvalState) parts.push(`ApprovalState = ${literal('approvalState', f.approvalState)}`);
  if (f.operationIn) parts.push(`Operation IN (${f.operationIn.map((o) => literal('operation', o)).join(', ')})`);
  if (f.statusIn) parts.push(`ExecutionStatus IN (${f.statusIn.map((s) => `'${RUN_STATUSES[s]}'`).join(', ')})`);
  if (f.status) parts.push(`ExecutionStatus = '${RUN_STATUSES[f.status]}'`);
  if (f.from) parts.push(`StartTime >= '${f.from.toISOString()}'`);
  if (f.to) parts.push(`StartTime <= '${f.to.toISOString()}'`);
  // Visibility's own order: open runs first, then the most recently closed (SQL visibility takes no ORDER BY).
  return parts.join(' AND ');
}
