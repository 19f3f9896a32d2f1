import { workflowId } from '../platform/temporal/workflow-ids.ts';

// alerts-detect: the alert detection run the Temporal Schedule starts. The one
// place its workflow type, IDs and input are spelled. Pure: the workflow imports it.

export const ALERTS_DETECT = {
  operation: 'alerts-detect',
  workflowType: 'detectAlertsWorkflow',
} as const;

/** One schedule (and one run ID) per task queue, whatever the number of workers. */
export const alertsScheduleId = (taskQueue: string) => workflowId(ALERTS_DETECT.operation, taskQueue);
export const alertsDetectWorkflowId = alertsScheduleId;

export interface DetectionInput {
  stuckThresholdMs: number;
  /** Each operation's SLA (its module's manifest): a run open longer raises RUN_STUCK. Absent: not checked. */
  runSlasMs?: Record<string, number>;
}
