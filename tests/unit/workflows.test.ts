import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { DELETE_FAILURES, CLIENT_DELETE } from '../../src/cockpit/client-delete.contract.ts';
import { OPS_EXECUTE } from '../../src/control/ops-execute.contract.ts';

// Workflows as business processes, against test doubles of their activities:
// the real workflow code on a real (local, in-memory) Temporal server from the
// binary the launcher installs; no PostgreSQL, no Stripe, no Twilio.

const temporalBinary = (process.env.PATH ?? '')
  .split(delimiter)
  .map((d) => join(d, 'temporal'))
  .find((p) => existsSync(p));
const workflowsPath = resolve(import.meta.dirname, '../../workflows/index.ts');
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  if (!temporalBinary) throw new Error('the temporal CLI is not on PATH (./ops setup installs it into .tools/bin)');
  // The workflow code is bundled once; each test runs it on its own worker.
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporalBinary } } }),
    bundleWorkflowCode({
      workflowsPath,
      logger: { info: () => {}, warn: () => {}, error: console.error, debug: () => {}, trace: () => {}, log: () => {} },
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

const who = { actorType: 'operator-key', actorId: 'unit', ip: null, userAgent: null, requestId: 'r' };
const deletionLog = {
  clientId: 'c1',
  businessName: 'B',
  deletedAt: '2026-01-01T00:00:00Z',
  twilioNumberReleased: null,
  recordsDeleted: {},
};

/** Runs one workflow on its own task queue with `activities` as the doubles; returns its result and the calls made. */
async function run(type: string, args: unknown[], activities: Record<string, (...a: any[]) => Promise<unknown>>) {
  const taskQueue = `unit-${randomUUID()}`;
  const calls: string[] = [];
  const recorded = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...a: any[]) => {
        calls.push(name);
        return fn(...a);
      },
    ]),
  );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recorded,
  });
  const outcome = await worker.runUntil(
    env.client.workflow.execute(type, { workflowId: `unit-${randomUUID()}`, taskQueue, args }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
  );
  return { ...(outcome as { result?: any; error?: unknown }), calls };
}
const failureType = (err: unknown) => {
  let cur: any = err instanceof WorkflowFailedError ? err.cause : err;
  while (cur && !(cur instanceof ApplicationFailure)) cur = cur.cause;
  return cur?.type;
};

describe('deleteClientWorkflow', () => {
  const input = { clientId: 'c1', incarnation: randomUUID(), confirmBusinessName: 'B', audit: who };

  test('without approvals the transaction is the only step, and a failed safety check in it ends the run', async () => {
    const out = await run(CLIENT_DELETE.workflowType, [input], {
      checkClientDeletable: async () => ({ businessName: 'B' }),
      deleteClientData: async () => {
        throw ApplicationFailure.nonRetryable('no', DELETE_FAILURES.safety, { violations: ['x'] });
      },
      recordAuditEvent: async () => undefined,
    });
    expect(failureType(out.error)).toBe(DELETE_FAILURES.safety);
    expect(out.calls).toEqual(['deleteClientData']);
  });

  test('a transaction that fails once (a lost connection) is retried and the deletion log returned', async () => {
    let attempts = 0;
    const out = await run(CLIENT_DELETE.workflowType, [input], {
      checkClientDeletable: async () => ({ businessName: 'B' }),
      deleteClientData: async () => {
        if (++attempts === 1) throw new Error('connection reset');
        return deletionLog;
      },
      recordAuditEvent: async () => undefined,
    });
    expect(out.result).toEqual(deletionLog);
    expect(attempts).toBe(2);
  });

  test('a transaction that keeps failing is recorded as failed and ends as DELETE_FAILED (compensation)', async () => {
    const audits: unknown[] = [];
    const out = await run(CLIENT_DELETE.workflowType, [input], {
      checkClientDeletable: async () => ({ businessName: 'B' }),
      deleteClientData: async () => {
        throw new Error('deadlock detected');
      },
      recordAuditEvent: async (_who: unknown, what: any) => {
        audits.push(what.outcome);
      },
    });
    expect(failureType(out.error)).toBe(DELETE_FAILURES.failed);
    expect(out.calls.filter((c) => c === 'deleteClientData')).toHaveLength(3);
    expect(audits).toEqual(['failed']);
  }, 30_000);

  test('a worker that stops heartbeating inside the transaction is timed out and the step runs again', async () => {
    let attempts = 0;
    const out = await run(CLIENT_DELETE.workflowType, [input], {
      checkClientDeletable: async () => ({ businessName: 'B' }),
      deleteClientData: async () => {
        // The first attempt hangs without heartbeats, as a wedged worker would.
        if (++attempts === 1) await new Promise((r) => setTimeout(r, 6_500)); // well past the 5 s heartbeat timeout
        Context.current().heartbeat();
        return deletionLog;
      },
      recordAuditEvent: async () => undefined,
    });
    expect(out.result).toEqual(deletionLog);
    expect(attempts).toBe(2);
  }, 30_000);
});

describe('opsExecuteWorkflow: tenant.bootstrap', () => {
  const ensure = async () => ({
    ok: true,
    businessId: 'b',
    existed: false,
    created: true,
    tenant: { businessId: 'b', name: 'b', createdAt: '' },
    durationMs: 1,
  });
  const summary = async () => ({
    ok: true,
    businessId: 'b',
    exists: true,
    score: 40,
    status: 'in_progress',
    details: '40% complete',
    subscription: { active: true, status: 'active' },
    calendar: { connected: false, provider: null },
    scheduling: { configured: false },
    phone: { assigned: false, number: null },
    onboarding: { complete: false, currentStep: null },
    recommendations: [],
    durationMs: 1,
  });
  const doubles = {
    ensureTenant: ensure,
    provisioningSummary: summary,
    planTool: async () => ({ dryRun: true, summary: '', plan: [] }),
    validateStripeConfig: async () => {
      throw new Error('stripe is down');
    },
    voiceSmokeTest: async () => ({
      ok: true,
      status: 'done',
      details: '4/4 checks passed',
      passed: 4,
      total: 4,
      checks: [],
      durationMs: 1,
    }),
  };
  const bootstrap = (payload: Record<string, unknown>) => [
    {
      tool: 'tenant.bootstrap',
      args: { businessId: 'b', skipVoiceTest: false, skipBillingCheck: false, ...payload },
      dryRun: false,
      audit: who,
    },
  ];

  test('a dependency failing after its retries is a failed checklist item; the report still comes back', async () => {
    const out = await run(OPS_EXECUTE.workflowType, bootstrap({}), doubles);
    expect(out.result.checklist.map((c: any) => [c.tool, c.status])).toEqual([
      ['tenant.ensure', 'done'],
      ['billing.validateStripeConfig', 'failed'],
      ['voice.smokeTest', 'done'],
      ['tenant.provisioningSummary', 'in_progress'],
    ]);
    expect(out.result.ready).toBe(false);
    expect(out.calls.filter((c) => c === 'validateStripeConfig')).toHaveLength(3);
  }, 30_000);

  test('skipped checks are never called and say they were skipped', async () => {
    const out = await run(
      OPS_EXECUTE.workflowType,
      bootstrap({ skipBillingCheck: true, skipVoiceTest: true }),
      doubles,
    );
    expect(out.calls).toEqual(['ensureTenant', 'provisioningSummary']);
    expect(out.result.checklist.map((c: any) => c.status)).toEqual(['done', 'skipped', 'skipped', 'in_progress']);
    expect(out.result.ready).toBe(true);
  });

  test('a dry run only plans', async () => {
    const out = await run(OPS_EXECUTE.workflowType, [{ ...bootstrap({})[0], dryRun: true }], doubles);
    expect(out.calls).toEqual(['planTool']);
  });
});
