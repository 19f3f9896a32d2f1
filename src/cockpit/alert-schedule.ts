import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { runSearchAttributes } from '../platform/temporal/search-attributes.ts';
import { runSummary } from '../platform/temporal/runs.ts';
import { ALERTS_DETECT, alertsDetectWorkflowId, alertsScheduleId } from './alerts-detect.contract.ts';

export const scheduleIdFor = alertsScheduleId;

/**
 * Creates the alert detection schedule, or brings an existing one in line with
 * the configured interval and threshold. Safe to run at every worker start.
 */
export async function ensureAlertDetectionSchedule(
  client: Client,
  opts: { taskQueue: string; everyMs: number; stuckThresholdMs: number },
) {
  const scheduleId = scheduleIdFor(opts.taskQueue);
  const labels = { operation: ALERTS_DETECT.operation, actor: 'system:schedule' };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: ALERTS_DETECT.workflowType,
    workflowId: alertsDetectWorkflowId(opts.taskQueue),
    taskQueue: opts.taskQueue,
    args: [{ stuckThresholdMs: opts.stuckThresholdMs }],
    typedSearchAttributes: runSearchAttributes(labels),
    staticSummary: runSummary({ summary: 'Detect STUCK_CLIENT, PAYMENT_BLOCK and POOL_EMPTY alerts', labels }),
  };
  const spec = { intervals: [{ every: opts.everyMs }] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: 'SKIP' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
  }
  return scheduleId;
}
