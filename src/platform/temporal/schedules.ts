import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { runSearchAttributes, type RunLabels } from './search-attributes.ts';
import { runSummary } from './runs.ts';

export interface IntervalSchedule {
  scheduleId: string;
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: unknown[];
  labels: RunLabels;
  summary: string;
  everyMs: number;
}

/**
 * Creates a Temporal Schedule that starts a workflow every `everyMs` (overlaps
 * skipped), or brings an existing one in line. Safe to run at every worker start.
 */
export async function ensureIntervalSchedule(client: Client, s: IntervalSchedule): Promise<string> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: s.workflowType,
    workflowId: s.workflowId,
    taskQueue: s.taskQueue,
    args: s.args,
    typedSearchAttributes: runSearchAttributes(s.labels),
    staticSummary: runSummary({ summary: s.summary, labels: s.labels }),
  };
  const spec = { intervals: [{ every: s.everyMs }] };
  try {
    await client.schedule.create({ scheduleId: s.scheduleId, spec, action, policies: { overlap: 'SKIP' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(s.scheduleId).update((prev) => ({ ...prev, spec, action }));
  }
  return s.scheduleId;
}
