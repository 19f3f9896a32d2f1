import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { ControlActivities } from '../../activities/control/index.ts';
import type { OpsExecuteInput } from '../../src/control/ops-execute.contract.ts';
import { externalCheckStep, localDbStep } from '../presets.ts';
import { bootstrapTenant, type BootstrapArgs } from './bootstrap-tenant.ts';

const named = (summary: string) => ({ summary });
const { validateStripeConfig } = proxyActivities<ControlActivities>({
  ...externalCheckStep,
  ...named('billing.validateStripeConfig'),
});
const { voiceSmokeTest } = proxyActivities<ControlActivities>({ ...externalCheckStep, ...named('voice.smokeTest') });
const { ensureTenant } = proxyLocalActivities<ControlActivities>({ ...localDbStep, ...named('tenant.ensure') });
const { provisioningSummary } = proxyLocalActivities<ControlActivities>({
  ...localDbStep,
  ...named('tenant.provisioningSummary'),
});
const { planTool } = proxyLocalActivities<ControlActivities>({
  ...localDbStep,
  ...named('Plan the dry run (reads only)'),
});

/**
 * ops:<key>:<requestId>. One run per control plane call: a dry run only plans, a
 * real call runs its tool. The workflow ID is the request's idempotency key.
 */
export async function opsExecuteWorkflow(input: OpsExecuteInput): Promise<unknown> {
  const { workflowId } = workflowInfo();
  if (input.dryRun) return planTool(input.tool, input.args);
  const businessId = input.args.businessId as string;
  switch (input.tool) {
    case 'tenant.bootstrap':
      return bootstrapTenant(input.args as unknown as BootstrapArgs, input.audit, workflowId);
    case 'tenant.ensure':
      return ensureTenant({ businessId, name: input.args.name as string | undefined }, input.audit, workflowId);
    case 'billing.validateStripeConfig':
      return validateStripeConfig();
    case 'voice.smokeTest':
      return voiceSmokeTest({ businessId });
    case 'tenant.provisioningSummary':
      return provisioningSummary({ businessId });
    default:
      throw new Error(`unknown tool ${input.tool}`);
  }
}
