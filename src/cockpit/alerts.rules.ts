import type { Severity } from '../tenants/entities/index.ts';
import type { AlertType } from './entities/alert-log.entity.ts';

// Pure: how detection judges a stall and what each alert it raises says.

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

/** An alert as detection raises it. */
export interface NewAlert {
  alertType: AlertType;
  alertKey: string;
  severity: Severity;
  resourceId: string;
  metadata: Record<string, unknown>;
}

/** STUCK_CLIENT for a client stalled `stalledMs` at `step` (detection found it past the threshold). */
export function stuckClientAlert(
  s: { clientId: string; step: string; businessName: string },
  stalledMs: number,
  thresholdMs: number,
) {
  const severity = stuckSeverity(stalledMs, thresholdMs);
  const terminal = isTerminalStall(stalledMs, thresholdMs);
  const alert: NewAlert = {
    alertType: 'STUCK_CLIENT',
    alertKey: `stuck_${s.step}_${s.clientId}`,
    severity,
    resourceId: s.clientId,
    metadata: {
      businessName: s.businessName,
      step: s.step,
      minutesSinceProgress: Math.floor(stalledMs / 60_000),
      terminal,
    },
  };
  return { alert, severity, terminal };
}

/** PAYMENT_BLOCK for a client waiting at the payment gate without active billing. */
export const paymentBlockAlert = (c: { clientId: string; businessName: string }): NewAlert => ({
  alertType: 'PAYMENT_BLOCK',
  alertKey: `payment_block_${c.clientId}`,
  severity: 'HIGH',
  resourceId: c.clientId,
  metadata: { businessName: c.businessName, step: PAYMENT_GATE_STEP },
});

/** POOL_EMPTY: no AVAILABLE number left in the pool. */
export const poolEmptyAlert = (): NewAlert => ({
  alertType: 'POOL_EMPTY',
  alertKey: 'pool_empty',
  severity: 'CRITICAL',
  resourceId: POOL_RESOURCE_ID,
  metadata: { available: 0 },
});

/** A durable run still open past its operation's SLA, as visibility lists it. */
export interface OpenRun {
  workflowId: string;
  runId: string;
  operation: string;
  tenantId: string | null;
  startedAt: Date;
}

/** RUN_STUCK for a run open `openMs`, past its SLA: one per run (keyed by its run ID), graded like a stall. */
export const runStuckAlert = (run: OpenRun, openMs: number, slaMs: number, webUiUrl: string | null): NewAlert => ({
  alertType: 'RUN_STUCK',
  alertKey: `run_stuck_${run.runId}`,
  severity: stuckSeverity(openMs, slaMs),
  resourceId: run.workflowId,
  metadata: {
    operation: run.operation,
    tenantId: run.tenantId,
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    slaMinutes: Math.round(slaMs / 60_000),
    minutesOpen: Math.floor(openMs / 60_000),
    webUiUrl,
  },
});

/** The runs past their SLA among those listed, as of `now` (operations without an SLA are never stuck). */
export function runsPastSla(runs: OpenRun[], slasMs: Record<string, number>, now: number) {
  return runs.flatMap((run) => {
    const slaMs = slasMs[run.operation];
    const openMs = now - run.startedAt.getTime();
    return slaMs !== undefined && openMs >= slaMs ? [{ run, openMs, slaMs }] : [];
  });
}
