import { z } from 'zod';
import { cursorParam, pageLimit } from '../platform/db/keyset.ts';
import { ORDER_STATUSES, PAYMENT_STATUSES, TIME_SLOTS } from './entities/order.entity.ts';
import { callbackUrlSchema } from '../platform/callbacks/start-callback.ts';

const text = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max);
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));
const day = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });

export const orderParams = z.object({ code: z.string().min(1).max(64).describe('Order reference code') });

export const ordersQuery = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    q: text(200).min(3, 'must be at least 3 characters').optional(),
    from: isoDate.optional().describe('createdAt from (inclusive)'),
    to: isoDate.optional().describe('createdAt to (inclusive)'),
    payment: z.enum(PAYMENT_STATUSES).optional(),
    driver: text(200).optional().describe("part of the assigned driver's name or email"),
    area: text(100).optional(),
    dateRange: z.enum(['today', 'week', 'month']).optional().describe('createdAt today, last 7 days, last 30 days'),
    take: pageLimit(200, 50),
    cursor: cursorParam.optional().describe('nextCursor from the previous page'),
  })
  .refine((q) => !(q.from && q.to) || q.from <= q.to, { message: 'must not be before from', path: ['to'] });

export const updateOrderBody = z
  .object({
    status: z.enum(ORDER_STATUSES).optional(),
    driverId: text(100).nullable().optional(),
    timeSlot: z.enum(TIME_SLOTS).optional(),
    preferredDate: day.optional(),
    notes: z.string({ error: 'must be a string' }).max(2000).optional(),
    reason: text(500).optional().describe('required for a status change'),
  })
  .strict();

export const assignBody = z
  .object({
    driverId: text(100).optional(),
    autoAssign: z.boolean({ error: 'must be a boolean' }).default(false),
    reason: text(500).optional(),
    // Not in spec 002: where to POST the assignment's outcome when its run ends (the README's callbacks).
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict()
  .refine((b) => b.autoAssign || b.driverId, { message: 'is required unless autoAssign is true', path: ['driverId'] })
  .refine((b) => !(b.autoAssign && b.driverId), { message: 'cannot be combined with autoAssign', path: ['driverId'] });

export const operationParams = z.object({ workflowId: z.string().min(1).max(300) });
