import { describe, expect, test } from '@jest/globals';
import { deletionViolations } from '../../src/cockpit/deletion.rules.ts';
import {
  isTerminalStall,
  paymentBlockAlert,
  poolEmptyAlert,
  runStuckAlert,
  runsPastSla,
  stuckClientAlert,
  stuckSeverity,
} from '../../src/cockpit/alerts.rules.ts';
import { presentAlert, presentClient, presentStuckClient } from '../../src/cockpit/cockpit.presenter.ts';
import { clientDeleteWorkflowId, isClientDeleteWorkflowId } from '../../src/cockpit/client-delete.contract.ts';
import { alertsQuery, clientsQuery, deleteClientBody } from '../../src/cockpit/cockpit.schemas.ts';
import type { Client, OnboardingState } from '../../src/tenants/entities/index.ts';
import type { AlertLog } from '../../src/cockpit/entities/index.ts';

const HOUR = 3_600_000;
const client = (over: Partial<Client> = {}) =>
  ({
    id: 'c1',
    businessName: 'Test Business',
    onboardingComplete: false,
    opsAlertsMuted: true,
    paymentActive: false,
    email: null,
    paymentGateAlertedAt: null,
    twilioNumber: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
    ...over,
  }) as Client;

describe('deletion safety checks (spec 000)', () => {
  test('a deletable client passes all five', () => {
    expect(deletionViolations(client(), 'Test Business')).toEqual([]);
  });
  test('every violation is reported, in the spec order and wording', () => {
    expect(
      deletionViolations(
        client({ onboardingComplete: true, opsAlertsMuted: false, paymentActive: true }),
        'test business',
      ),
    ).toEqual([
      'Client is ACTIVE (onboardingComplete=true). Cannot delete active clients.',
      'Alerts NOT muted (opsAlertsMuted=false). Mute alerts first to confirm deletion intent.',
      'Payment is ACTIVE (paymentActive=true). Cannot delete paying customers.',
      'Business name confirmation mismatch. Expected: "Test Business", Got: "test business"',
    ]);
  });
  test('the name must match exactly: case, whitespace, and presence', () => {
    expect(deletionViolations(client(), 'Test Business ')).toHaveLength(1);
    expect(deletionViolations(client(), undefined)[0]).toContain('Got: (nothing; send confirmBusinessName)');
  });
});

describe('alert rules', () => {
  test('severity grows with the stall: MEDIUM, HIGH at 2×, CRITICAL at 4×; terminal at 7×', () => {
    expect([1, 1.9, 2, 3.9, 4, 10].map((x) => stuckSeverity(x * HOUR, HOUR))).toEqual([
      'MEDIUM',
      'MEDIUM',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
    expect([isTerminalStall(6.9 * HOUR, HOUR), isTerminalStall(7 * HOUR, HOUR)]).toEqual([false, true]);
  });
  test('each alert names its type, key, severity and resource', () => {
    expect(stuckClientAlert({ clientId: 'c1', step: 'S9', businessName: 'B' }, 3 * HOUR, HOUR)).toEqual({
      severity: 'HIGH',
      terminal: false,
      alert: {
        alertType: 'STUCK_CLIENT',
        alertKey: 'stuck_S9_c1',
        severity: 'HIGH',
        resourceId: 'c1',
        metadata: { businessName: 'B', step: 'S9', minutesSinceProgress: 180, terminal: false },
      },
    });
    expect(paymentBlockAlert({ clientId: 'c2', businessName: 'B' })).toMatchObject({
      alertType: 'PAYMENT_BLOCK',
      alertKey: 'payment_block_c2',
      severity: 'HIGH',
      resourceId: 'c2',
    });
    expect(poolEmptyAlert()).toMatchObject({
      alertType: 'POOL_EMPTY',
      severity: 'CRITICAL',
      resourceId: 'twilio-number-pool',
    });
  });
});

describe('RUN_STUCK rules', () => {
  const run = (operation: string, minutesAgo: number, now: number) => ({
    workflowId: `${operation}:x`,
    runId: `run-${operation}`,
    operation,
    tenantId: 'acme',
    startedAt: new Date(now - minutesAgo * 60_000),
  });
  const now = Date.parse('2026-12-01T12:00:00Z');

  test('a run is stuck once it has been open for its own operation SLA; operations without one never are', () => {
    const runs = [run('refund', 15, now), run('refund-ish', 600, now), run('assign', 1, now)];
    const past = runsPastSla(runs, { refund: 15 * 60_000, assign: 2 * 60_000 }, now);
    expect(past.map((p) => p.run.operation)).toEqual(['refund']);
    expect(past[0]).toMatchObject({ openMs: 15 * 60_000, slaMs: 15 * 60_000 });
  });

  test('the alert is keyed by the run, graded by multiples of the SLA, and links the run', () => {
    const r = run('refund', 40, now);
    const a = runStuckAlert(r, 40 * 60_000, 15 * 60_000, 'http://ui/run');
    expect(a).toEqual({
      alertType: 'RUN_STUCK',
      alertKey: 'run_stuck_run-refund',
      severity: 'HIGH',
      resourceId: 'refund:x',
      metadata: {
        operation: 'refund',
        tenantId: 'acme',
        runId: 'run-refund',
        startedAt: '2026-12-01T11:20:00.000Z',
        slaMinutes: 15,
        minutesOpen: 40,
        webUiUrl: 'http://ui/run',
      },
    });
  });
});

describe('the client-delete contract', () => {
  test('the workflow ID names the row and its incarnation', () => {
    expect(clientDeleteWorkflowId('default-client', 'abc')).toBe('client-delete:default-client:abc');
    expect(isClientDeleteWorkflowId('client-delete:x:y')).toBe(true);
    expect(isClientDeleteWorkflowId('ops:admin:x')).toBe(false);
  });
});

describe('cockpit presenters', () => {
  test('a client is presented with the spec fields and ISO timestamps', () => {
    expect(presentClient(client({ twilioNumber: '+447700900001' }))).toEqual({
      id: 'c1',
      businessName: 'Test Business',
      email: null,
      onboardingComplete: false,
      opsAlertsMuted: true,
      paymentActive: false,
      paymentGateAlertedAt: null,
      twilioNumber: '+447700900001',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
  });
  test('a stuck client carries minutes since progress and its open alert', () => {
    const state = {
      id: 's1',
      clientId: 'c1',
      currentStep: 'S9',
      lastProgressAt: new Date('2026-01-01T00:00:00Z'),
      stuckDetectedAt: new Date('2026-01-01T05:00:00Z'),
      stuckSeverity: 'HIGH',
      isTerminal: false,
    } as OnboardingState;
    const alert = {
      id: 'a1',
      createdAt: new Date('2026-01-01T05:00:00Z'),
      alertType: 'STUCK_CLIENT',
      alertKey: 'k',
      severity: 'HIGH',
      resourceId: 'c1',
      deliveredAt: null,
      channel: 'ops_log',
      metadata: {},
      resolvedAt: null,
    } as unknown as AlertLog;
    const out = presentStuckClient(state, client(), alert, new Date('2026-01-01T10:00:00Z'));
    expect(out).toMatchObject({
      clientId: 'c1',
      minutesSinceProgress: 600,
      severity: 'HIGH',
      lastAlert: presentAlert(alert),
    });
  });
});

describe('cockpit schemas', () => {
  test('limit defaults, caps at 200 and refuses what is not a positive integer', () => {
    expect(alertsQuery.parse({}).limit).toBe(50);
    expect(clientsQuery.parse({}).limit).toBe(200);
    expect(alertsQuery.parse({ limit: '5000' }).limit).toBe(200);
    for (const bad of ['0', '-1', '1.5', 'abc']) expect(alertsQuery.safeParse({ limit: bad }).success).toBe(false);
  });
  test('a forged cursor is refused', () => {
    const forged = Buffer.from(JSON.stringify(['2020-01-01T00:00:00Z', 'a\u0000b'])).toString('base64url');
    expect(alertsQuery.safeParse({ cursor: forged }).success).toBe(false);
    const ours = Buffer.from(JSON.stringify(['2020-01-01T00:00:00Z', 'alr_1'])).toString('base64url');
    expect(alertsQuery.parse({ cursor: ours }).cursor).toEqual({ at: new Date('2020-01-01T00:00:00Z'), id: 'alr_1' });
  });
  test('the DELETE body takes only a string confirmation', () => {
    expect(deleteClientBody.safeParse({ confirmBusinessName: 42 }).success).toBe(false);
    expect(deleteClientBody.safeParse({ confirmBusinessName: 'x', force: true }).success).toBe(false);
  });
});
