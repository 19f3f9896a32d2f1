import type { ApprovalState } from '../platform/approvals/approval.contract.ts';

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
}

/**
 * Filter values reach Temporal inside a visibility query's string literals: the schemas allow only
 * characters that cannot end one (no quotes, no backslash), and this refuses anything else again.
 */
const SAFE_VALUE = /^[A-Za-z0-9._:@+\- ]+$/;

const literal = (name: string, value: string) => {
  if (!SAFE_VALUE.test(value)) throw new Error(`runs filter ${name}: unsafe value`);
  return `'${value}'`;
};

/** The visibility query of a runs filter: every condition ANDed, by the platform's search attributes. */
export function runsQuery(f: RunsFilter): string {
  const parts: string[] = [];
  if (f.operation) parts.push(`Operation = ${literal('operation', f.operation)}`);
  if (f.tenantId) parts.push(`TenantId = ${literal('tenantId', f.tenantId)}`);
  if (f.actor) parts.push(`Actor = ${literal('actor', f.actor)}`);
  if (f.approvalState) parts.push(`ApprovalState = ${literal('approvalState', f.approvalState)}`);
  if (f.status) parts.push(`ExecutionStatus = '${RUN_STATUSES[f.status]}'`);
  if (f.from) parts.push(`StartTime >= '${f.from.toISOString()}'`);
  if (f.to) parts.push(`StartTime <= '${f.to.toISOString()}'`);
  // Visibility's own order: open runs first, then the most recently closed (SQL visibility takes no ORDER BY).
  return parts.join(' AND ');
}
