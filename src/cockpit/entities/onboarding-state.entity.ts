import { defineEntity, p } from '@mikro-orm/core';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Where a client is in onboarding, and whether detection has flagged it as stuck. */
const OnboardingStateSchema = defineEntity({
  name: 'OnboardingState',
  tableName: 'onboarding_state',
  properties: {
    id: p.string().primary(),
    clientId: p.string(),
    currentStep: p.string(),
    lastProgressAt: p.datetime(),
    stuckDetectedAt: p.datetime().nullable(),
    stuckSeverity: p.string().$type<Severity>().nullable(),
    isTerminal: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class OnboardingState extends OnboardingStateSchema.class {}
OnboardingStateSchema.setClass(OnboardingState);
export { OnboardingStateSchema };
