// Pure: what a tool would do, decided from what the reads found. Nothing is written or called.

export interface DryRunPlan {
  dryRun: true;
  summary: string;
  plan: string[];
}

/** The plan of a dry run of `tool`; `tenantExists` is what a read of the tenant found (null: no businessId). */
export function dryRunPlan(tool: string, args: Record<string, unknown>, tenantExists: boolean | null): DryRunPlan {
  const businessId = typeof args.businessId === 'string' ? args.businessId : undefined;
  const tenantStep =
    tenantExists === null
      ? ''
      : tenantExists
        ? `tenant ${businessId} exists; it would be left unchanged`
        : `tenant ${businessId} does not exist; it would be created`;
  switch (tool) {
    case 'tenant.bootstrap':
      return {
        dryRun: true,
        summary: `[DRY RUN] Would bootstrap tenant ${businessId}`,
        plan: [
          `1. tenant.ensure: ${tenantStep}`,
          `2. billing.validateStripeConfig: ${args.skipBillingCheck ? 'skipped by request' : 'would query Stripe'}`,
          `3. voice.smokeTest: ${args.skipVoiceTest ? 'skipped by request' : 'would query Twilio'}`,
          '4. tenant.provisioningSummary: would read the provisioning state',
        ],
      };
    case 'tenant.ensure':
      return { dryRun: true, summary: `[DRY RUN] Would ensure tenant ${businessId}`, plan: [tenantStep] };
    case 'billing.validateStripeConfig':
      return {
        dryRun: true,
        summary: '[DRY RUN] Would validate the Stripe configuration',
        plan: ['would query Stripe'],
      };
    case 'voice.smokeTest':
      return { dryRun: true, summary: '[DRY RUN] Would run the voice smoke test', plan: ['would query Twilio'] };
    default:
      return {
        dryRun: true,
        summary: `[DRY RUN] Would summarise provisioning for ${businessId}`,
        plan: ['would read the provisioning state'],
      };
  }
}
