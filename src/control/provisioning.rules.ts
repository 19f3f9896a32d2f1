import type { ProvisioningResult, Recommendation } from './tool-results.ts';

// Pure: where a tenant stands in provisioning, from its row alone.

export interface ProvisioningFacts {
  businessId: string;
  paymentActive: boolean;
  twilioNumber: string | null;
  calendarProvider: string | null;
  schedulingConfigured: boolean;
  onboardingComplete: boolean;
  currentStep: string | null;
}

/** The five provisioning items; each is worth 20 points of the score (5 × 20 = 100). */
export function provisioningItems(t: ProvisioningFacts) {
  return {
    record: true,
    subscription: t.paymentActive,
    phone: Boolean(t.twilioNumber),
    calendar: Boolean(t.calendarProvider),
    scheduling: t.schedulingConfigured,
  };
}

/** What to do about each missing provisioning item, most urgent first (the spec's wording). */
const MISSING_ITEM_ADVICE: (Recommendation & { item: 'subscription' | 'phone' | 'calendar' | 'scheduling' })[] = [
  { priority: 'high', item: 'subscription', message: 'Activate subscription to unlock all features' },
  { priority: 'high', item: 'phone', message: 'Assign a phone number from the pool' },
  { priority: 'medium', item: 'calendar', message: 'Connect Google Calendar for availability sync' },
  { priority: 'medium', item: 'scheduling', message: 'Configure business hours and booking rules' },
];

/** The spec's provisioning summary for a tenant, or for one that does not exist (`null`). */
export function provisioningSummaryOf(
  businessId: string,
  t: ProvisioningFacts | null,
  durationMs: number,
): ProvisioningResult {
  if (!t) {
    return {
      ok: false,
      businessId,
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
        { priority: 'high', item: 'tenant', message: 'Create the tenant first (tenant.ensure or tenant.bootstrap)' },
      ],
      durationMs,
    };
  }
  const items = provisioningItems(t);
  const score = Object.values(items).filter(Boolean).length * 20;
  const recommendations = MISSING_ITEM_ADVICE.filter((r) => !items[r.item]);
  return {
    ok: true,
    businessId,
    exists: true,
    score,
    status: score === 100 ? 'done' : 'in_progress',
    details: `${score}% complete`,
    subscription: { active: items.subscription, status: items.subscription ? 'active' : 'inactive' },
    calendar: { connected: items.calendar, provider: t.calendarProvider },
    scheduling: { configured: items.scheduling },
    phone: { assigned: items.phone, number: t.twilioNumber },
    onboarding: { complete: t.onboardingComplete, currentStep: t.currentStep },
    recommendations,
    durationMs,
  };
}
