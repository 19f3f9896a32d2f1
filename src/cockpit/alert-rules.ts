import type { Severity } from '../tenants/entities/index.ts';

/** The onboarding step at which a client cannot go on without an active payment. */
export const PAYMENT_GATE_STEP = 'S6_PAYMENT';

/** The pool is one resource; its alerts use this resource id. */
export const POOL_RESOURCE_ID = 'twilio-number-pool';

/** How bad a stall is, by multiples of the configured threshold. */
export function stuckSeverity(stalledMs: number, thresholdMs: number): Severity {
  const ratio = stalledMs / thresholdMs;
  if (ratio >= 4) return 'CRITICAL';
  if (ratio >= 2) return 'HIGH';
  return 'MEDIUM';
}

/** Stalled for a week of thresholds: automation will not recover it, a person must. */
export function isTerminalStall(stalledMs: number, thresholdMs: number): boolean {
  return stalledMs >= 7 * thresholdMs;
}
