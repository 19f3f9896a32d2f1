import type { Client } from '@temporalio/client';
import { ensureIntervalSchedule } from '../platform/temporal/schedules.ts';
import { WEBHOOK_SWEEP, webhookSweepScheduleId } from './deliver-webhook.contract.ts';

/** The webhook outbox sweep schedule (every minute by default). Safe at every worker start. */
export function ensureOutboxSweepSchedule(client: Client, opts: { taskQueue: string; everyMs: number }) {
  const scheduleId = webhookSweepScheduleId(opts.taskQueue);
  return ensureIntervalSchedule(client, {
    scheduleId,
    workflowType: WEBHOOK_SWEEP.workflowType,
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args: [],
    labels: { operation: WEBHOOK_SWEEP.operation, actor: 'system:schedule' },
    summary: 'Start webhook deliveries that never started',
    everyMs: opts.everyMs,
  });
}
