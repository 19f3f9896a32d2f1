import type { MikroORM } from '@mikro-orm/postgresql';
import { recordAudit, type AuditContext } from '../../src/platform/audit/audit.ts';
import { Client, OnboardingState } from '../../src/tenants/entities/index.ts';
import type { EnsureResult, ProvisioningResult } from '../../src/control/tool-results.ts';
import { provisioningSummaryOf } from '../../src/control/provisioning.rules.ts';
import { dryRunPlan, type DryRunPlan } from '../../src/control/dry-run.rules.ts';

export interface EnsureArgs {
  businessId: string;
  name?: string;
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

    /** Where the tenant stands: score, items, and what to do next. Read-only (the rules are provisioning.rules.ts). */
    async provisioningSummary(args: { businessId: string }): Promise<ProvisioningResult> {
      const started = Date.now();
      const em = deps.orm.em.fork();
      const client = await em.findOne(Client, args.businessId);
      const onboarding = client
        ? await em.findOne(OnboardingState, { clientId: client.id }, { orderBy: { createdAt: 'desc' } })
        : null;
      const facts = client && {
        businessId: client.id,
        paymentActive: client.paymentActive,
        twilioNumber: client.twilioNumber ?? null,
        calendarProvider: client.calendarProvider ?? null,
        schedulingConfigured: client.schedulingConfigured,
        onboardingComplete: client.onboardingComplete,
        currentStep: onboarding?.currentStep ?? null,
      };
      return provisioningSummaryOf(args.businessId, facts, Date.now() - started);
    },

    /** Dry run: what the tool would do, from reads only (the decision is dry-run.rules.ts). */
    async planTool(tool: string, args: Record<string, unknown>): Promise<DryRunPlan> {
      const businessId = typeof args.businessId === 'string' ? args.businessId : undefined;
      const exists = businessId
        ? Boolean(await deps.orm.em.fork().findOne(Client, businessId, { fields: ['id'] }))
        : null;
      return dryRunPlan(tool, args, exists);
    },
  };
}
