import type { AlertLog } from './entities/alert-log.entity.ts';
import type { Client, OnboardingState } from '../tenants/entities/index.ts';
import { isoOrNull as iso } from '../platform/http/wire.ts';

export function presentAlert(a: AlertLog) {
  return {
    id: a.id,
    createdAt: iso(a.createdAt),
    alertType: a.alertType,
    alertKey: a.alertKey,
    severity: a.severity,
    resourceId: a.resourceId,
    deliveredAt: iso(a.deliveredAt),
    channel: a.channel,
    metadata: a.metadata,
    resolvedAt: iso(a.resolvedAt),
  };
}

export function presentOnboarding(s: OnboardingState) {
  return {
    id: s.id,
    currentStep: s.currentStep,
    lastProgressAt: iso(s.lastProgressAt),
    stuckDetectedAt: iso(s.stuckDetectedAt),
    stuckSeverity: s.stuckSeverity ?? null,
    isTerminal: s.isTerminal,
  };
}

export function presentClient(c: Client, onboarding?: OnboardingState | null) {
  return {
    id: c.id,
    businessName: c.businessName,
    email: c.email ?? null,
    onboardingComplete: c.onboardingComplete,
    opsAlertsMuted: c.opsAlertsMuted,
    paymentActive: c.paymentActive,
    paymentGateAlertedAt: iso(c.paymentGateAlertedAt),
    twilioNumber: c.twilioNumber ?? null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    ...(onboarding !== undefined ? { onboardingState: onboarding ? presentOnboarding(onboarding) : null } : {}),
  };
}

export function presentStuckClient(s: OnboardingState, c: Client, lastAlert: AlertLog | null, now: Date) {
  return {
    clientId: c.id,
    businessName: c.businessName,
    currentStep: s.currentStep,
    stuckDetectedAt: iso(s.stuckDetectedAt),
    severity: s.stuckSeverity ?? null,
    isTerminal: s.isTerminal,
    lastProgressAt: iso(s.lastProgressAt),
    minutesSinceProgress: Math.floor((now.getTime() - s.lastProgressAt.getTime()) / 60_000),
    opsAlertsMuted: c.opsAlertsMuted,
    lastAlert: lastAlert ? presentAlert(lastAlert) : null,
  };
}

export const ok = <T>(data: T) => ({ success: true as const, data });
