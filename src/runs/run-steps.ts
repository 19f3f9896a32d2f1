import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One business step of a run, read from its history: an activity or a local activity. */
export interface RunStep {
  step: string;
  kind: 'activity' | 'local';
  scheduledAt: string | null;
  finishedAt: string | null;
  attempts: number;
  outcome: 'running' | 'completed' | 'failed' | 'timed_out' | 'canceled';
}

const at = (e: HistoryEvent) => {
  const t = e.eventTime;
  return t?.seconds != null
    ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString()
    : null;
};

/** A local activity's marker carries its type and attempt as JSON in the `data` detail. */
function localActivityOf(e: HistoryEvent): { type: string; attempt: number } | null {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return null;
  const payload = marker.details?.data?.payloads?.[0]?.data;
  if (!payload) return null;
  try {
    const data = JSON.parse(Buffer.from(payload).toString('utf8')) as { activity_type?: string; attempt?: number };
    return { type: data.activity_type ?? 'local activity', attempt: data.attempt ?? 1 };
  } catch {
    return null;
  }
}

/**
 * The steps of a run in the order they were scheduled: each activity with its last attempt's
 * outcome, each local activity (recorded as a marker once it ended). Inputs and results stay out:
 * they may hold personal data, and the module's own operation endpoint answers the result.
 */
export function runSteps(events: HistoryEvent[]): RunStep[] {
  const steps: RunStep[] = [];
  const byScheduledId = new Map<string, RunStep>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const step: RunStep = {
        step: scheduled.activityType?.name ?? 'activity',
        kind: 'activity',
        scheduledAt: at(e),
        finishedAt: null,
        attempts: 0,
        outcome: 'running',
      };
      byScheduledId.set(String(e.eventId), step);
      steps.push(step);
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const step = byScheduledId.get(String(started.scheduledEventId));
      if (step) step.attempts = Number(started.attempt ?? 1);
      continue;
    }
    const ended =
      (e.activityTaskCompletedEventAttributes && (['completed', e.activityTaskCompletedEventAttributes] as const)) ||
      (e.activityTaskFailedEventAttributes && (['failed', e.activityTaskFailedEventAttributes] as const)) ||
      (e.activityTaskTimedOutEventAttributes && (['timed_out', e.activityTaskTimedOutEventAttributes] as const)) ||
      (e.activityTaskCanceledEventAttributes && (['canceled', e.activityTaskCanceledEventAttributes] as const));
    if (ended) {
      const step = byScheduledId.get(String(ended[1].scheduledEventId));
      if (step) Object.assign(step, { outcome: ended[0], finishedAt: at(e) });
      continue;
    }
    const local = localActivityOf(e);
    if (local) {
      const failed = Boolean(e.markerRecordedEventAttributes?.failure);
      steps.push({
        step: local.type,
        kind: 'local',
        scheduledAt: null,
        finishedAt: at(e),
        attempts: local.attempt,
        outcome: failed ? 'failed' : 'completed',
      });
    }
  }
  return steps;
}
