import { defineEntity, p } from '@mikro-orm/core';
import { textId, timestamps } from '../../platform/db/base-properties.ts';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where a tenant is in onboarding, and whether detection has flagged it as stuck. */
const OnboardingStateSchema = defineEntity({
  name: 'OnboardingState',
  tableName: 'onboarding_state',
  properties: {
    ...textId(),
    clientId: p.string(),
    currentStep: p.string(),
    lastProgressAt: p.datetime(),
    stuckDetectedAt: p.datetime().nullable(),
    stuckSeverity: p.enum(SEVERITIES).nullable(),
    isTerminal: p.boolean().default(false),
    ...timestamps(),
  },
});

export class OnboardingState extends OnboardingStateSchema.class {}
OnboardingStateSchema.setClass(OnboardingState);
export { OnboardingStateSchema };
