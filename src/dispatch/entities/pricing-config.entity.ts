import { defineEntity, p } from '@mikro-orm/core';
import { textId, createdAt } from '../../platform/db/base-properties.ts';

export const ROUNDINGS = ['nearest', 'up', 'down'] as const;

/** One version of a zone's pricing. Versions are immutable (a trigger refuses UPDATE and DELETE). */
const PricingConfigSchema = defineEntity({
  name: 'PricingConfig',
  tableName: 'pricing_config',
  properties: {
    ...textId(),
    zoneKey: p.string(),
    version: p.integer(),
    vanRates: p.json<Record<string, number>>(),
    slotMultipliers: p.json<Record<string, number>>(),
    dayMultipliers: p.json<Record<string, number>>(),
    accessFees: p.json<Record<string, number>>(),
    surcharges: p.json<Record<string, number>>(),
    minFareFloor: p.integer(),
    surgePolicy: p.json<{ enabled: boolean; multiplier: number; threshold: number }>(),
    vatRate: p.double(),
    rounding: p.enum(ROUNDINGS),
    lockTtlSeconds: p.integer(),
    activeFrom: p.datetime(),
    createdBy: p.string(),
    ...createdAt(),
  },
});
export class PricingConfig extends PricingConfigSchema.class {}
PricingConfigSchema.setClass(PricingConfig);
export { PricingConfigSchema };
