import type {
  BillingResult,
  EnsureResult,
  ProvisioningResult,
  Recommendation,
  StepStatus,
  VoiceResult,
} from './tool-results.ts';

// Pure functions: the bootstrap workflow imports them, so no I/O and no Node APIs.

export interface ChecklistItem {
  step: number;
  item: string;
  tool: string;
  status: StepStatus;
  details: string;
  durationMs: number;
}

export interface BootstrapSteps {
  businessId: string;
  tenant: EnsureResult | { failed: string };
  billing: BillingResult | 'skipped';
  voice: VoiceResult | 'skipped';
  provisioning: ProvisioningResult | { failed: string };
  durationMs: number;
  /** Who asked (the control key's name): a skipped check says by whom. */
  requestedBy: string;
}

const isFailure = (x: object): x is { failed: string } =>
  'failed' in x && typeof (x as { failed: unknown }).failed === 'string';

type StepOutcome = Pick<ChecklistItem, 'status' | 'details' | 'durationMs'>;

const failedStep = (details: string): StepOutcome => ({ status: 'failed', details, durationMs: 0 });
const skippedStep = (flag: string, by: string): StepOutcome => ({
  status: 'skipped',
  details: `Skipped by request (${flag}, key ${by})`,
  durationMs: 0,
});
/** A step's own outcome, without the rest of its result (checks, configuration). */
const outcomeOf = (r: StepOutcome): StepOutcome => ({ status: r.status, details: r.details, durationMs: r.durationMs });

function checklistOf(s: BootstrapSteps): ChecklistItem[] {
  const tenant: StepOutcome = isFailure(s.tenant)
    ? failedStep(s.tenant.failed)
    : { status: 'done', details: s.tenant.created ? 'Created' : 'Already exists', durationMs: s.tenant.durationMs };
  const steps: [item: string, tool: string, outcome: StepOutcome][] = [
    ['Tenant Record', 'tenant.ensure', tenant],
    [
      'Billing Configuration',
      'billing.validateStripeConfig',
      s.billing === 'skipped' ? skippedStep('skipBillingCheck', s.requestedBy) : outcomeOf(s.billing),
    ],
    [
      'Voice Services',
      'voice.smokeTest',
      s.voice === 'skipped' ? skippedStep('skipVoiceTest', s.requestedBy) : outcomeOf(s.voice),
    ],
    [
      'Provisioning Status',
      'tenant.provisioningSummary',
      isFailure(s.provisioning) ? failedStep(s.provisioning.failed) : outcomeOf(s.provisioning),
    ],
  ];
  return steps.map(([item, tool, outcome], i) => ({ step: i + 1, item, tool, ...outcome }));
}

/** A check step that did not pass, as a recommendation naming its failing checks. */
function fixOf(step: BillingResult | VoiceResult | 'skipped', item: string, what: string): Recommendation[] {
  if (step === 'skipped' || step.status === 'done') return [];
  const failing = step.checks
    .filter((c) => !c.ok)
    .map((c) => c.details)
    .join('; ');
  return [{ priority: step.status === 'failed' ? 'high' : 'medium', item, message: `Fix ${what}: ${failing}` }];
}

function recommendationsOf(s: BootstrapSteps): Recommendation[] {
  const recs: Recommendation[] = [];
  recs.push(...fixOf(s.billing, 'billing', 'Stripe configuration'), ...fixOf(s.voice, 'voice', 'voice services'));
  if (!isFailure(s.provisioning)) recs.push(...s.provisioning.recommendations);
  const order = { high: 0, medium: 1, low: 2 };
  return recs.sort((a, b) => order[a.priority] - order[b.priority]);
}

/** The spec's bootstrap answer: checklist, ready logic, recommendations, stats, summary. */
export function bootstrapReport(s: BootstrapSteps) {
  const checklist = checklistOf(s);
  const stats = {
    totalSteps: checklist.length,
    completed: checklist.filter((c) => c.status === 'done').length,
    warnings: checklist.filter((c) => c.status === 'warning').length,
    skipped: checklist.filter((c) => c.status === 'skipped').length,
    failed: checklist.filter((c) => c.status === 'failed').length,
  };
  const provisioning = isFailure(s.provisioning) ? null : s.provisioning;
  // Ready: tenant record in place, nothing failed, and the summary found the tenant.
  const ready = checklist[0].status === 'done' && stats.failed === 0 && provisioning?.exists === true;
  const blocking = checklist.filter((c) => c.status === 'failed').map((c) => `${c.item}: ${c.details}`);
  return {
    ok: true,
    businessId: s.businessId,
    ready,
    readyMessage: ready
      ? 'Tenant is fully bootstrapped and ready'
      : `Tenant is not ready: ${blocking.join('; ') || 'tenant not found'}`,
    checklist,
    recommendations: recommendationsOf(s),
    details: {
      tenant: isFailure(s.tenant)
        ? { businessId: s.businessId, existed: false, created: false, error: s.tenant.failed }
        : { businessId: s.businessId, existed: s.tenant.existed, created: s.tenant.created },
      billing:
        s.billing === 'skipped'
          ? { skipped: true }
          : {
              stripeConfigured: s.billing.stripeConfigured,
              stripeMode: s.billing.stripeMode,
              checks: s.billing.checks,
            },
      voice:
        s.voice === 'skipped'
          ? { skipped: true }
          : { passed: s.voice.passed, total: s.voice.total, checks: s.voice.checks },
      provisioning: provisioning
        ? {
            exists: provisioning.exists,
            score: provisioning.score,
            subscription: provisioning.subscription,
            calendar: provisioning.calendar,
            scheduling: provisioning.scheduling,
            phone: provisioning.phone,
            onboarding: provisioning.onboarding,
          }
        : { exists: false, error: (s.provisioning as { failed: string }).failed },
    },
    stats,
    durationMs: s.durationMs,
    summary:
      `Bootstrapped tenant ${s.businessId} - ${ready ? 'Ready' : 'Not ready'} ` +
      `(${stats.completed}/${stats.totalSteps} complete)`,
  };
}

export type BootstrapResult = ReturnType<typeof bootstrapReport>;

/** What a step that failed after all its retries reports: the run's history holds why. */
export const STEP_FAILED = 'the step failed after its retries; its run in the Temporal Web UI shows why';

const failedCheck = (name: string) => ({ name, ok: false, critical: true, details: STEP_FAILED });

/** The billing step's result when its activity itself failed (not a failing Stripe: that is a failed check). */
export const billingStepFailed = (): BillingResult => ({
  ok: false,
  status: 'failed',
  details: STEP_FAILED,
  stripeConfigured: false,
  stripeMode: null,
  checks: [failedCheck('billing')],
  durationMs: 0,
});

/** The voice step's result when its activity itself failed. */
export const voiceStepFailed = (): VoiceResult => ({
  ok: false,
  status: 'failed',
  details: STEP_FAILED,
  passed: 0,
  total: 1,
  checks: [failedCheck('voice')],
  durationMs: 0,
});
