import { z } from 'zod';
import { cursorParam, pageLimit } from '../platform/db/keyset.ts';
import { DRIVER_STATUSES, ONBOARDING_STATUSES } from './entities/driver.entity.ts';
import { REFUND_REASONS, REFUND_STATUSES } from './entities/payment.entity.ts';
import { ROUNDINGS } from './entities/pricing-config.entity.ts';
import { RANGES } from './analytics.rules.ts';
import { callbackUrlSchema } from '../platform/callbacks/start-callback.ts';

// Schemas of the refunds, drivers, pricing and analytics routes (orders: orders.schemas.ts).

const text = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max);
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));
const page = z.coerce
  .number({ error: 'must be a positive integer' })
  .int('must be a positive integer')
  .min(1, 'must be a positive integer')
  .max(1_000_000, 'must be at most 1000000')
  .default(1);
const pence = z
  .number({ error: 'must be a number of pence' })
  .int('must be a whole number of pence')
  .min(1, 'must be at least 1 pence')
  .max(100_000_000, 'must be at most 100000000 pence');
const money = z.number({ error: 'must be a number' }).int('must be whole pence').min(0).max(100_000_000);
const factor = z.number({ error: 'must be a number' }).min(0, 'must not be negative').max(100);

export const idParams = z.object({ id: z.string().min(1).max(100).describe('Driver ID') });

/** Idempotency-Key: the caller's own key for this refund (README: refunds). */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters: letters, digits, . _ : -');

export const createRefundBody = z
  .object({
    paymentId: text(100),
    amount: pence,
    reason: z.enum(REFUND_REASONS),
    notes: z.string({ error: 'must be a string' }).max(2000).optional(),
    // Not in spec 002: where to POST the refund's outcome when its run ends (the README's callbacks).
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict();

export const refundsQuery = z.object({
  page,
  limit: pageLimit(200, 20),
  cursor: cursorParam.optional().describe('nextCursor of the previous page (deep pages; page is then ignored)'),
  search: text(200).min(3, 'must be at least 3 characters').optional(),
  status: z.enum(REFUND_STATUSES).optional(),
  reason: z.enum(REFUND_REASONS).optional(),
  fromDate: isoDate.optional(),
  toDate: isoDate.optional(),
});

export const applicationsQuery = z.object({
  status: z.enum(ONBOARDING_STATUSES).optional(),
  search: text(200).optional(),
  page,
  limit: pageLimit(200, 50),
});

export const approveBody = z
  .object({
    notes: z.string({ error: 'must be a string' }).max(2000).optional(),
    conditions: z.array(text(500)).max(50).optional(),
  })
  .strict();

export const rejectBody = z
  .object({ reason: text(500), notes: z.string({ error: 'must be a string' }).max(2000).optional() })
  .strict();

export const updateDriverBody = z
  .object({
    status: z.enum(DRIVER_STATUSES).optional(),
    notes: z.string({ error: 'must be a string' }).max(2000).optional(),
    reason: text(500).optional(),
  })
  .strict()
  .refine((b) => !b.status || b.reason, { message: 'is required for a status change', path: ['reason'] });

export const pricingBody = z
  .object({
    zoneKey: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, _ or -'),
    vanRates: z.object({ small: money, medium: money, large: money }).partial().strict().optional(),
    slotMultipliers: z.object({ morning: factor, afternoon: factor, evening: factor }).partial().strict().optional(),
    dayMultipliers: z
      .object({
        monday: factor,
        tuesday: factor,
        wednesday: factor,
        thursday: factor,
        friday: factor,
        saturday: factor,
        sunday: factor,
      })
      .partial()
      .strict()
      .optional(),
    accessFees: z.object({ floors: money, lift: money, parking: money }).partial().strict().optional(),
    surcharges: z.object({ rushHour: money, weekend: money, bankHoliday: money }).partial().strict().optional(),
    minFareFloor: money.optional(),
    surgePolicy: z
      .object({ enabled: z.boolean(), multiplier: factor, threshold: z.number().min(0).max(1_000_000) })
      .partial()
      .strict()
      .optional(),
    vatRate: z.number({ error: 'must be a number' }).min(0).max(1, 'must be a fraction (0.2 for 20%)').optional(),
    rounding: z.enum(ROUNDINGS).optional(),
    lockTtlSeconds: z.number().int().min(0).max(86_400).optional(),
    activeFrom: isoDate,
  })
  .strict();

export const pricingQuery = z.object({
  zoneKey: z.string().min(1).max(64).default('default'),
  limit: pageLimit(500, 50),
  at: isoDate.optional().describe('only the version in force at this time'),
});

export const analyticsQuery = z.object({
  range: z.enum(Object.keys(RANGES) as [keyof typeof RANGES, ...(keyof typeof RANGES)[]]).default('30d'),
});
