import type { Client } from '@temporalio/client';
import { ensureIntervalSchedule } from '../platform/temporal/schedules.ts';
import { ALERTS_DETECT, alertsDetectWorkflowId, alertsScheduleId } from './alerts-detect.contract.ts';

export const scheduleIdFor = alertsScheduleId;

/** The alert detection schedule, at the configured interval and threshold. Safe at every worker start. */
export function ensureAlertDetectionSchedule(
  client: Client,
  opts: { taskQueue: string; everyMs: number; stuckThresholdMs: number; runSlasMs: Record<string, number> },
) {
  return ensureIntervalSchedule(client, {
    scheduleId: scheduleIdFor(opts.taskQueue),
    workflowType: ALERTS_DETECT.workflowType,
    workflowId: alertsDetectWorkflowId(opts.taskQueue),
    taskQueue: opts.taskQueue,
    args: [{ stuckThresholdMs: opts.stuckThresholdMs, runSlasMs: opts.runSlasMs }],
    labels: { operation: ALERTS_DETECT.operation, actor: 'system:schedule' },
    summary: 'Detect STUCK_CLIENT, PAYMENT_BLOCK, POOL_EMPTY and RUN_STUCK alerts',
    everyMs: opts.everyMs,
  });
}
