import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ControlActivities } from '../../activities/control/index.ts';
import type { AuditContext } from '../../src/platform/audit/audit.ts';
import {
  STEP_FAILED,
  billingStepFailed,
  bootstrapReport,
  voiceStepFailed,
  type BootstrapResult,
} from '../../src/control/bootstrap-report.ts';
import { externalCheckStep, localDbStep } from '../presets.ts';

const step = (n: number, tool: string) => ({ summary: `Step ${n}: ${tool}` });
// The database steps run as local activities (no server round trip); the calls
// to Stripe and Twilio are regular activities, retried on another worker if one dies.
const { ensureTenant } = proxyLocalActivities<ControlActivities>({ ...localDbStep, ...step(1, 'tenant.ensure') });
const { validateStripeConfig } = proxyActivities<ControlActivities>({
  ...externalCheckStep,
  ...step(2, 'billing.validateStripeConfig'),
});
const { voiceSmokeTest } = proxyActivities<ControlActivities>({ ...externalCheckStep, ...step(3, 'voice.smokeTest') });
const { provisioningSummary } = proxyLocalActivities<ControlActivities>({
  ...localDbStep,
  ...step(4, 'tenant.provisioningSummary'),
});

export interface BootstrapArgs {
  businessId: string;
  name?: string;
  skipVoiceTest: boolean;
  skipBillingCheck: boolean;
}

// A step's own error text stays in the run's history; the report says only that it failed.
const failed = () => ({ failed: STEP_FAILED });

/**
 * tenant.bootstrap: ensure → billing → voice → provisioning summary, each a
 * named step in the Web UI. A step that fails after its retries becomes a
 * `failed` checklist item; the report is always produced.
 */
export async function bootstrapTenant(
  args: BootstrapArgs,
  who: AuditContext,
  workflowId: string,
): Promise<BootstrapResult> {
  const started = Date.now();
  const tenant = await ensureTenant({ businessId: args.businessId, name: args.name }, who, workflowId).catch(failed);
  // Billing and voice are independent checks: they run side by side.
  const [billing, voice] = await Promise.all([
    args.skipBillingCheck ? ('skipped' as const) : validateStripeConfig().catch(billingStepFailed),
    args.skipVoiceTest ? ('skipped' as const) : voiceSmokeTest({ businessId: args.businessId }).catch(voiceStepFailed),
  ]);
  const provisioning = await provisioningSummary({ businessId: args.businessId }).catch(failed);
  return bootstrapReport({
    businessId: args.businessId,
    tenant,
    billing,
    voice,
    provisioning,
    durationMs: Date.now() - started,
    requestedBy: who.actorId,
  });
}
