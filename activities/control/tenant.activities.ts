import type { MikroORM } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../../src/platform/audit/audit.ts';
import { Client, OnboardingState } from '../../src/tenants/entities/index.ts';
import type { EnsureResult, ProvisioningResult, Recommendation } from '../../src/control/tool-results.ts';

export interface EnsureArgs {
  businessId: string;
  name?: string;
}

/** The provisioning items and their weight in the score (5 × 20 = 100). */
function provisioningItems(c: Client) {
  return {
    record: true,
    subscription: c.paymentActive,
    phone: Boolean(c.twilioNumber),
    calendar: Boolean(c.calendarProvider),
    scheduling: c.schedulingConfigured,
  };
}

export function createTenantActivities(deps: { orm: MikroORM }) {
  return {
    /** Creates the tenant (a cockpit client) unless it exists; concurrent calls create one row. */
    async ensureTenant(args: EnsureArgs, who: AuditContext, workflowId: string): Promise<EnsureResult> {
      const started = Date.now();
      const em = deps.orm.em.fork();
      return em.transactional(async (tx) => {
        const inserted = (await tx.execute(
          `insert into client (id, business_name) values (?, ?) on conflict (id) do nothing returning id`,
          [args.businessId, args.name ?? args.businessId],
        )) as unknown[];
        const client = await tx.findOneOrFail(Client, args.businessId);
        if (inserted.length) {
          recordAudit(tx, who, {
            action: 'tenant.create',
            resourceType: 'client',
            resourceId: client.id,
            outcome: 'success',
            after: { businessId: client.id, businessName: client.businessName },
            workflowId,
          });
        }
        return {
          ok: true,
          businessId: client.id,
          existed: inserted.length === 0,
          created: inserted.length > 0,
          tenant: { businessId: client.id, name: client.businessName, createdAt: client.createdAt.toISOString() },
          durationMs: Date.now() - started,
        };
      });
    },

    /** Where the tenant stands: score, items, and what to do next. Read-only. */
    async provisioningSummary(args: { businessId: string }): Promise<ProvisioningResult> {
      const started = Date.now();
      const em = deps.orm.em.fork();
      const client = await em.findOne(Client, args.businessId);
      const onboarding = client
        ? await em.findOne(OnboardingState, { clientId: client.id }, { orderBy: { createdAt: 'desc' } })
        : null;
      if (!client) {
        return {
          ok: false,
          businessId: args.businessId,
          exists: false,
          score: 0,
          status: 'failed',
          details: 'Tenant not found',
          subscription: { active: false, status: 'inactive' },
          calendar: { connected: false, provider: null },
          scheduling: { configured: false },
          phone: { assigned: false, number: null },
          onboarding: { complete: false, currentStep: null },
          recommendations: [
            {
              priority: 'high',
              item: 'tenant',
              message: 'Create the tenant first (tenant.ensure or tenant.bootstrap)',
            },
          ],
          durationMs: Date.now() - started,
        };
      }
      const items = provisioningItems(client);
      const score = Object.values(items).filter(Boolean).length * 20;
      const recommendations: Recommendation[] = [];
      if (!items.subscription)
        recommendations.push({
          priority: 'high',
          item: 'subscription',
          message: 'Activate subscription to unlock all features',
        });
      if (!items.phone)
        recommendations.push({ priority: 'high', item: 'phone', message: 'Assign a phone number from the pool' });
      if (!items.calendar)
        recommendations.push({
          priority: 'medium',
          item: 'calendar',
          message: 'Connect Google Calendar for availability sync',
        });
      if (!items.scheduling)
        recommendations.push({
          priority: 'medium',
          item: 'scheduling',
          message: 'Configure business hours and booking rules',
        });
      return {
        ok: true,
        businessId: client.id,
        exists: true,
        score,
        status: score === 100 ? 'done' : 'in_progress',
        details: `${score}% complete`,
        subscription: { active: items.subscription, status: items.subscription ? 'active' : 'inactive' },
        calendar: { connected: items.calendar, provider: client.calendarProvider ?? null },
        scheduling: { configured: items.scheduling },
        phone: { assigned: items.phone, number: client.twilioNumber ?? null },
        onboarding: { complete: client.onboardingComplete, currentStep: onboarding?.currentStep ?? null },
        recommendations,
        durationMs: Date.now() - started,
      };
    },

    /** Dry run: what the tool would do, from reads only. Nothing is written or called. */
    async planTool(
      tool: string,
      args: Record<string, unknown>,
    ): Promise<{ dryRun: true; summary: string; plan: string[] }> {
      const businessId = typeof args.businessId === 'string' ? args.businessId : undefined;
      const exists = businessId
        ? Boolean(await deps.orm.em.fork().findOne(Client, businessId, { fields: ['id'] }))
        : false;
      const tenantStep = businessId
        ? exists
          ? `tenant ${businessId} exists; it would be left unchanged`
          : `tenant ${businessId} does not exist; it would be created`
        : '';
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
    },
  };
}
