import { describe, expect, test } from '@jest/globals';
import { runsQuery } from '../../src/runs/visibility-query.ts';
import { runSteps } from '../../src/runs/run-steps.ts';
import { operationPolicies } from '../../src/platform/module.ts';
import { MODULES } from '../../src/modules.ts';
import { approvalProblems, needsApproval, parseApprovals } from '../../src/platform/approvals/approvals-config.ts';
import { loadConfig } from '../../src/platform/config.ts';

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

describe("the modules' operation policies", () => {
  const ops = operationPolicies(MODULES);

  test('every operation has an SLA; only runs safe to repeat after a failure may be retried from the console', () => {
    for (const [operation, policy] of ops) expect([operation, policy.slaMs > 0]).toEqual([operation, true]);
    const retryable = [...ops].filter(([, p]) => p.retryable).map(([o]) => o);
    expect(retryable).toEqual(expect.arrayContaining(['client-delete', 'ops.tenant.bootstrap']));
    // Money and phone calls are never run twice from here: their own endpoints start a new one.
    for (const never of ['refund', 'call', 'assign']) expect(ops.get(never)?.retryable).toBeUndefined();
    expect([...ops].filter(([, p]) => p.cancellable).map(([o]) => o)).toEqual(['webhook']);
  });

  test('an operation two modules both declare is refused when the platform assembles them', () => {
    const twice = [
      { name: 'a', operations: { refund: { slaMs: 1 } } },
      { name: 'b', operations: { refund: { slaMs: 2 } } },
    ];
    expect(() => operationPolicies(twice)).toThrow('operation refund is declared twice (module b)');
  });
});

describe('APPROVALS', () => {
  test('names the operations that wait for a second operator; every entry it cannot read is named', () => {
    expect(parseApprovals('client-delete')).toEqual({ rules: [{ operation: 'client-delete' }], problems: [] });
    expect(parseApprovals('')).toEqual({ rules: [], problems: [] });
    const bad = parseApprovals('client-delete, refund>=10000 ,refund>=ten');
    expect(bad.rules).toEqual([{ operation: 'client-delete' }, { operation: 'refund', minAmountPence: 10_000 }]);
    expect(bad.problems).toEqual(['"refund>=ten" is not <operation> or <operation>>=<amount in pence>']);
    expect(() => loadConfig({ APPROVALS: 'client-delete;refund' })).toThrow(/APPROVALS/);
  });

  test('an operation whose workflow has no approval step is refused, naming those that have one', () => {
    const ops = operationPolicies(MODULES);
    expect(approvalProblems([{ operation: 'client-delete' }], ops)).toEqual([]);
    expect(approvalProblems([{ operation: 'call' }], ops)).toEqual([
      '"call" has no approval step (operations that do: client-delete, refund)',
    ]);
  });

  test('a threshold applies to amounts at or above it only', () => {
    const rules = [{ operation: 'refund', minAmountPence: 10_000 }];
    expect(needsApproval(rules, 'refund', 10_000)).toBe(true);
    expect(needsApproval(rules, 'refund', 9_999)).toBe(false);
    expect(needsApproval(rules, 'refund')).toBe(false);
    expect(needsApproval([{ operation: 'client-delete' }], 'client-delete')).toBe(true);
    expect(needsApproval([{ operation: 'client-delete' }], 'refund', 1)).toBe(false);
  });
});
