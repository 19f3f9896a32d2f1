import { z } from 'zod';
import { cursorParam } from '../platform/db/keyset.ts';
import { CLIENT_STATUSES } from './entities/caller-client.entity.ts';
import { CALL_OUTCOMES, CALL_SENTIMENTS, CALL_STATUSES } from './call-status.rules.ts';
import { E164 } from './phone.rules.ts';
import { callbackUrlSchema } from '../platform/callbacks/start-callback.ts';

const text = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'is required').max(max);
const optionalText = (max: number) => z.string({ error: 'must be a string' }).max(max).optional();
const phone = z.string({ error: 'is required' }).regex(E164, 'must be an E.164 phone number, e.g. +12125551234');
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));
const count = (dflt: number, max: number) =>
  z.coerce
    .number({ error: 'must be a non-negative integer' })
    .int('must be a non-negative integer')
    .min(0, 'must be a non-negative integer')
    .max(1_000_000_000)
    .default(dflt)
    .transform((n) => Math.min(n, max));

export const clientIdParams = z.object({ clientId: z.string().min(1).max(100) });
export const callParams = z.object({ clientId: z.string().min(1).max(100), callId: z.string().min(1).max(100) });
export const secureCallParams = z.object({ callId: z.string().min(1).max(100) });

const meta = {
  fullName: text(200),
  email: z.email({ error: 'must be an email address' }).max(320),
  phone,
  businessName: optionalText(200),
  city: optionalText(200),
  jobTitle: optionalText(200),
  notes: optionalText(2000),
};
const agentId = z.string({ error: 'is required' }).regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be an ElevenLabs agent id');

export const createClientBody = z
  .object({
    clientMeta: z.object(meta, { error: 'is required' }).strict(),
    agentId,
    twilioPhoneNumber: phone,
    status: z.enum(CLIENT_STATUSES).default('Active'),
  })
  .strict();

export const adminUpdateClientBody = z
  .object({
    status: z.enum(CLIENT_STATUSES).optional(),
    agentId: agentId.optional(),
    twilioPhoneNumber: phone.optional(),
    clientMeta: z.object(meta).partial().strict().optional(),
  })
  .strict();

/** What a client may change about itself: its contact details, not its email, status, agent or number. */
export const clientUpdateSelfBody = z
  .object({
    clientMeta: z
      .object({
        fullName: meta.fullName,
        phone,
        businessName: meta.businessName,
        city: meta.city,
        jobTitle: meta.jobTitle,
        notes: meta.notes,
      })
      .partial()
      .strict(),
  })
  .strict();

export const clientsQuery = z.object({
  limit: count(10, 200),
  offset: count(0, 1_000_000),
  status: z.enum(CLIENT_STATUSES).optional(),
  search: text(200).optional(),
  cursor: cursorParam.optional().describe('nextCursor of the previous page (offset is then ignored)'),
});

export const callsQuery = z.object({
  limit: count(100, 1000).describe('default 100, at most 1000 per page (nextCursor for more)'),
  offset: count(0, 1_000_000),
  status: z.enum(CALL_STATUSES).optional(),
  cursor: cursorParam.optional(),
});

const blankToNull = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .optional();

const callDetails = z
  .object({
    callOutcome: z.union([z.enum(CALL_OUTCOMES), z.literal('')]).optional(),
    callSummary: blankToNull(5000),
    callTranscript: blankToNull(200_000),
    callSentiment: z.union([z.enum(CALL_SENTIMENTS), z.literal('')]).optional(),
    nextAction: blankToNull(200),
    nextActionDate: isoDate.optional(),
    agentNotes: blankToNull(5000),
  })
  .strict();

export const addCallBody = z
  .object({
    callData: z
      .object({
        callSid: z
          .string()
          .regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID (CA + 32 hex)')
          .optional(),
        requestId: optionalText(200),
        phone,
        from: phone.optional(),
        agentId: agentId.optional(),
        startTime: isoDate.optional(),
        status: z.enum(CALL_STATUSES).default('initiated'),
        callCount: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    callDetails: callDetails.optional(),
  })
  .strict();

export const updateCallBody = z
  .object({
    callDetails: callDetails.optional(),
    callData: z
      .object({
        endTime: isoDate.optional(),
        duration: z
          .number()
          .int()
          .min(0)
          .max(86_400 * 7)
          .optional(),
        status: z.enum(CALL_STATUSES).optional(),
        recordingUrl: z
          .url({ protocol: /^https$/, error: 'must be an https URL' })
          .max(2000)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

// callbackUrl is not in spec 003: where to POST the call's outcome when its run ends (the README's callbacks).
export const makeCallBody = z.object({ phone, callbackUrl: callbackUrlSchema.optional() }).strict();

export const activityQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(7),
  limit: z.coerce.number().int().min(1).max(200).default(10),
});

// Credentials are checked as sent: never trimmed.
const credential = (max: number) => z.string({ error: 'is required' }).min(1, 'is required').max(max);
export const adminLoginBody = z.object({ username: credential(200), password: credential(1000) }).strict();
export const clientLoginBody = z.object({ clientId: credential(100), secret: credential(200) }).strict();

export const includeQuery = z.object({ include: z.enum(['calls']).optional() });

export const operationParams = z.object({ workflowId: z.string().min(1).max(400) });
