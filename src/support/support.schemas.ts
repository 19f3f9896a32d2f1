import { z } from 'zod';
import { cursorParam, pageLimit } from '../platform/db/keyset.ts';
export { emptyBody } from '../platform/http/validate.ts';

export const conversationParams = z.object({ id: z.string().min(1).max(200) });

/** Spec 001 lists "all conversations": a large default page, keyset-paged beyond it. */
export const conversationsQuery = z.object({
  limit: pageLimit(1000, 500),
  cursor: cursorParam.optional(),
});

const channel = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lowercase letters, digits or _ (e.g. web, sms, email)');

/** Only customerName and/or channel may change; anything else is refused. */
export const updateConversationBody = z
  .object({
    customerName: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(200).optional(),
    channel: channel.optional(),
  })
  .strict()
  .refine((b) => b.customerName !== undefined || b.channel !== undefined, {
    message: 'send customerName and/or channel',
  });

export const loginForm = z.object({
  username: z.string().trim().min(1, 'is required').max(100),
  password: z.string().min(1, 'is required').max(1000),
});

/** The customer channel. */
export const startConversationBody = z
  .object({
    tenantId: z.string().min(1).max(100),
    customerName: z.string().trim().min(1).max(200).optional(),
    channel: channel.default('web'),
  })
  .strict();

export const customerMessageBody = z
  .object({
    message: z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(4000),
    userId: z.string().max(200).optional(),
  })
  .strict();
