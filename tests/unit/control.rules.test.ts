import { describe, expect, test } from '@jest/globals';
import { provisioningSummaryOf } from '../../src/control/provisioning.rules.ts';
import { dryRunPlan } from '../../src/control/dry-run.rules.ts';
import { billingStepFailed, bootstrapReport } from '../../src/control/bootstrap-report.ts';
import { parseExecuteRequest } from '../../src/control/control.schemas.ts';
import { hasScope } from '../../src/control/control-keys.ts';
import { opsIdempotencyScope, opsWorkflowId } from '../../src/control/ops-execute.contract.ts';
import { TOOLS } from '../../src/control/tools.ts';
import { failureKind } from '../../src/control/tool-results.ts';

const facts = {
  businessId: 'b',
  paymentActive: true,
  twilioNumber: null,
  calendarProvider: 'google',
  schedulingConfigured: false,
  onboardingComplete: false,
  currentStep: 'S2',
};

describe('provisioning rules', () => {
  test('each of five items is worth 20 points; missing ones become recommendations by priority', () => {
    const s = provisioningSummaryOf('b', facts, 3);
    expect([s.score, s.status, s.details]).toEqual([60, 'in_progress', '60% complete']);
    expect(s.recommendations.map((r) => [r.priority, r.item])).toEqual([
      ['high', 'phone'],
      ['medium', 'scheduling'],
    ]);
    expect(provisioningSummaryOf('b', { ...facts, twilioNumber: '+1', schedulingConfigured: true }, 0)).toMatchObject({
      score: 100,
      status: 'done',
    });
  });
  test('an unknown tenant scores 0 and is told to create the tenant first', () => {
    expect(provisioningSummaryOf('nobody', null, 0)).toMatchObject({
      ok: false,
      exists: false,
      score: 0,
      status: 'failed',
      recommendations: [{ item: 'tenant' }],
    });
  });
});

describe('dry-run rules', () => {
  test('a bootstrap plan names each step and what it would do', () => {
    expect(dryRunPlan('tenant.bootstrap', { businessId: 'b', skipVoiceTest: true }, false).plan).toEqual([
      '1. tenant.ensure: tenant b does not exist; it would be created',
      '2. billing.validateStripeConfig: would query Stripe',
      '3. voice.smokeTest: skipped by request',
      '4. tenant.provisioningSummary: would read the provisioning state',
    ]);
    expect(dryRunPlan('tenant.ensure', { businessId: 'b' }, true).plan).toEqual([
      'tenant b exists; it would be left unchanged',
    ]);
  });
});

describe('the bootstrap report (spec 004 ready logic)', () => {
  const ensure = {
    ok: true,
    businessId: 'b',
    existed: true,
    created: false,
    tenant: { businessId: 'b', name: 'b', createdAt: '' },
    durationMs: 2,
  };
  const provisioning = provisioningSummaryOf('b', facts, 5);
  test('warnings and in-progress steps do not block readiness; skipped steps are counted', () => {
    const r = bootstrapReport({
      businessId: 'b',
      tenant: ensure,
      billing: 'skipped',
      voice: 'skipped',
      provisioning,
      durationMs: 9,
      requestedBy: 'n8n',
    });
    expect([r.ready, r.stats]).toEqual([true, { totalSteps: 4, completed: 1, warnings: 0, skipped: 2, failed: 0 }]);
    expect(r.checklist[1].details).toBe('Skipped by request (skipBillingCheck, key n8n)');
    expect(r.summary).toBe('Bootstrapped tenant b - Ready (1/4 complete)');
  });
  test('a failed step blocks readiness and is the first recommendation', () => {
    const r = bootstrapReport({
      businessId: 'b',
      tenant: ensure,
      billing: billingStepFailed(),
      voice: 'skipped',
      provisioning,
      durationMs: 9,
      requestedBy: 'n8n',
    });
    expect(r.ready).toBe(false);
    expect(r.checklist[1].status).toBe('failed');
    expect(r.recommendations[0]).toMatchObject({ priority: 'high', item: 'billing' });
  });
});

describe('control plane requests', () => {
  test('both formats parse to one request; meta may carry extra keys, not look-alikes of known ones', () => {
    expect(parseExecuteRequest({ tool: 't', payload: {}, meta: { requestId: 'r', source: 'n8n' } })).toMatchObject({
      format: 'new',
      requestId: 'r',
      dryRun: false,
    });
    expect(parseExecuteRequest({ requestId: 'r', tool: 't', args: {} })).toMatchObject({
      format: 'legacy',
      requestId: 'r',
    });
    expect(() => parseExecuteRequest({ tool: 't', payload: {}, meta: { requestId: 'r', dryrun: true } })).toThrow();
  });
  test('an empty name means not given; unknown arguments are refused', () => {
    expect(TOOLS['tenant.bootstrap'].args.parse({ businessId: 'b', name: '' }).name).toBeUndefined();
    expect(TOOLS['tenant.ensure'].args.safeParse({ businessId: 'b', plan: 'pro' }).success).toBe(false);
  });
  test('scopes: * grants all, tenant.* grants tenant scopes only', () => {
    expect([
      hasScope(['*'], 'voice.test'),
      hasScope(['tenant.*'], 'tenant.write'),
      hasScope(['tenant.*'], 'billing.read'),
    ]).toEqual([true, true, false]);
  });
  test('request ids are scoped to the key in the workflow ID and the idempotency scope', () => {
    expect([opsWorkflowId('n8n', 'req-1'), opsIdempotencyScope('n8n')]).toEqual(['ops:n8n:req-1', 'ops.execute:n8n']);
  });
});

describe('failed Stripe and Twilio calls', () => {
  test('are described by status or kind, never by the SDK message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
    expect(failureKind(refused)).toBe('service unreachable');
    expect(
      failureKind(
        Object.assign(new Error('Invalid API Key provided: sk_live_abc'), {
          statusCode: 401,
          type: 'StripeAuthenticationError',
        }),
      ),
    ).toBe('HTTP 401 (StripeAuthenticationError)');
    expect(failureKind(new Error('secret internal text'))).not.toContain('secret');
  });
});
