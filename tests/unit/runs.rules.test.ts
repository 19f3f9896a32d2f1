import { describe, expect, test } from '@jest/globals';
import { runsQuery } from '../../src/runs/visibility-query.ts';
import { runSteps } from '../../src/runs/run-steps.ts';

describe('the runs filter as a visibility query', () => {
  test('every condition ANDed by the platform search attributes, status and start time', () => {
    expect(
      runsQuery({
        operation: 'client-delete',
        tenantId: 'client-1',
        actor: 'operator-key:alice',
        status: 'FAILED',
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-02T00:00:00Z'),
      }),
    ).toBe(
      "Operation = 'client-delete' AND TenantId = 'client-1' AND Actor = 'operator-key:alice' AND " +
        "ExecutionStatus = 'Failed' AND StartTime >= '2026-01-01T00:00:00.000Z' AND " +
        "StartTime <= '2026-01-02T00:00:00.000Z'",
    );
    expect(runsQuery({})).toBe('');
  });

  test('a value that could end its string literal is refused, whatever let it through', () => {
    expect(() => runsQuery({ tenantId: "x' OR '1'='1" })).toThrow('runs filter tenantId: unsafe value');
    expect(() => runsQuery({ actor: 'a\\b' })).toThrow('unsafe value');
  });
});

describe("a run's steps from its history", () => {
  const t = (s: number) => ({ seconds: s, nanos: 0 });
  test('activities with their last attempt and outcome, local activities from their markers, in order', () => {
    const marker = Buffer.from(JSON.stringify({ activity_type: 'checkClientDeletable', attempt: 1 }));
    const details = { data: { payloads: [{ data: marker }] } };
    const steps = runSteps([
      { eventId: 5, eventTime: t(10), markerRecordedEventAttributes: { markerName: 'core_local_activity', details } },
      {
        eventId: 7,
        eventTime: t(11),
        activityTaskScheduledEventAttributes: { activityType: { name: 'deleteClientData' } },
      },
      { eventId: 8, eventTime: t(12), activityTaskStartedEventAttributes: { scheduledEventId: 7, attempt: 2 } },
      { eventId: 9, eventTime: t(13), activityTaskFailedEventAttributes: { scheduledEventId: 7 } },
    ] as never);
    expect(steps).toEqual([
      {
        step: 'checkClientDeletable',
        kind: 'local',
        scheduledAt: null,
        finishedAt: '1970-01-01T00:00:10.000Z',
        attempts: 1,
        outcome: 'completed',
      },
      {
        step: 'deleteClientData',
        kind: 'activity',
        scheduledAt: '1970-01-01T00:00:11.000Z',
        finishedAt: '1970-01-01T00:00:13.000Z',
        attempts: 2,
        outcome: 'failed',
      },
    ]);
  });
});
