/** The pricing fields a version holds (everything but its identity). */
export interface PricingFields {
  vanRates: { small: number; medium: number; large: number };
  slotMultipliers: { morning: number; afternoon: number; evening: number };
  dayMultipliers: Record<'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday', number>;
  accessFees: { floors: number; lift: number; parking: number };
  surcharges: { rushHour: number; weekend: number; bankHoliday: number };
  minFareFloor: number;
  surgePolicy: { enabled: boolean; multiplier: number; threshold: number };
  vatRate: number;
  rounding: 'nearest' | 'up' | 'down';
  lockTtlSeconds: number;
}

/** What a zone's first version starts from for the fields its PUT leaves out (README: pricing). */
export const PRICING_DEFAULTS: PricingFields = {
  vanRates: { small: 2500, medium: 3500, large: 4500 },
  slotMultipliers: { morning: 1, afternoon: 1, evening: 1 },
  dayMultipliers: { monday: 1, tuesday: 1, wednesday: 1, thursday: 1, friday: 1, saturday: 1, sunday: 1 },
  accessFees: { floors: 0, lift: 0, parking: 0 },
  surcharges: { rushHour: 0, weekend: 0, bankHoliday: 0 },
  minFareFloor: 0,
  surgePolicy: { enabled: false, multiplier: 1, threshold: 0 },
  vatRate: 0.2,
  rounding: 'nearest',
  lockTtlSeconds: 900,
};

/**
 * A new version: every field the request sends replaces the previous version's
 * (a nested object field by field), and what it leaves out is carried over.
 */
export function nextPricing(previous: PricingFields | null, change: Partial<PricingFields>): PricingFields {
  const base = previous ?? PRICING_DEFAULTS;
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    const old = (base as unknown as Record<string, unknown>)[key];
    merged[key] = value && typeof value === 'object' && old && typeof old === 'object' ? { ...old, ...value } : value;
  }
  return merged as unknown as PricingFields;
}

/** The version in force at `at`: the latest activeFrom not after it, the higher version on a tie. */
export function versionInForce<V extends { version: number; activeFrom: Date }>(versions: V[], at: Date): V | null {
  let best: V | null = null;
  for (const v of versions) {
    if (v.activeFrom.getTime() > at.getTime()) continue;
    if (
      !best ||
      v.activeFrom.getTime() > best.activeFrom.getTime() ||
      (v.activeFrom.getTime() === best.activeFrom.getTime() && v.version > best.version)
    )
      best = v;
  }
  return best;
}
