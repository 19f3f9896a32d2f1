import type { OperationPolicies } from '../module.ts';
import type { ApprovalGate } from './approval.contract.ts';

/** Which operations wait for a second operator (APPROVALS), and for how long (APPROVAL_TIMEOUT). */
export interface ApprovalSettings {
  rules: readonly ApprovalRule[];
  timeoutMs: number;
}

/** One entry of APPROVALS: an operation, and for amounts the least (in pence) that needs one. */
export interface ApprovalRule {
  operation: string;
  minAmountPence?: number;
}

const ENTRY = /^([a-z][a-z0-9.-]*)(?:>=(\d{1,12}))?$/;

/** `APPROVALS=<operation>[>=<pence>],…`: which operations wait for a second operator; bad entries named. */
export function parseApprovals(text: string): { rules: ApprovalRule[]; problems: string[] } {
  const rules: ApprovalRule[] = [];
  const problems: string[] = [];
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = ENTRY.exec(raw);
    if (!m) problems.push(`"${raw}" is not <operation> or <operation>>=<amount in pence>`);
    else rules.push({ operation: m[1]!, ...(m[2] !== undefined ? { minAmountPence: Number(m[2]) } : {}) });
  }
  return { rules, problems };
}

/**
 * Entries naming an operation whose workflow has no approval step (its manifest does not declare it
 * `approvable`): refused at start rather than silently ignored, so nobody believes a gate is on.
 */
export function approvalProblems(rules: readonly ApprovalRule[], operations: OperationPolicies): string[] {
  const approvable = [...operations].filter(([, p]) => p.approvable).map(([operation]) => operation);
  return rules
    .filter((r) => !approvable.includes(r.operation))
    .map((r) => `"${r.operation}" has no approval step (operations that do: ${approvable.join(', ')})`);
}

/** Whether a run of `operation` (moving `amountPence`, where it moves money) must wait for an approval. */
export function needsApproval(rules: readonly ApprovalRule[], operation: string, amountPence?: number): boolean {
  return rules.some(
    (r) =>
      r.operation === operation &&
      (r.minAmountPence === undefined || (amountPence !== undefined && amountPence >= r.minAmountPence)),
  );
}

/**
 * The approval gate a run of `operation` (moving `amountPence`) starts with, asked for by
 * `requestedBy`; undefined when the configuration in force lets it run at once.
 */
export function approvalGateFor(
  settings: ApprovalSettings,
  operation: string,
  requestedBy: string,
  amountPence?: number,
): ApprovalGate | undefined {
  return needsApproval(settings.rules, operation, amountPence)
    ? { requestedBy, timeoutMs: settings.timeoutMs }
    : undefined;
}
