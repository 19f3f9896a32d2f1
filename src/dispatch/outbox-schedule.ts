import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { runSearchAttributes } from '../platform/temporal/search-attributes.ts';
import { runSummary } from '../platform/temporal/runs.ts';
import { WEBHOOK_SWEEP, webhookSweepScheduleId } from './deliver-webhook.contract.ts';

/** Creates the webhook outbox sweep schedule (every minute), or updates it. Safe at every worker start. */
export async function ensureOutboxSweepSchedule(client: Client, opts: { taskQueue: string; everyMs: number }) {
  const scheduleId = webhookSweepScheduleId(opts.taskQueue);
  const labels = { operation: WEBHOOK_SWEEP.operation, actor: 'system:schedule' };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: WEBHOOK_SWEEP.workflowType,
    workflowId: scheduleId,
    taskQueue: opts.taskQueue,
    args: [],
    typedSearchAttributes: runSearchAttributes(labels),
    staticSummary: runSummary({ summary: 'Start webhook deliveries that never started', labels }),
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
