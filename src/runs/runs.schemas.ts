import { z } from 'zod';
import { cursorParam, pageLimit, type Cursor } from '../platform/db/keyset.ts';
import { unstorableReason } from '../platform/http/text-guard.ts';
import { RUN_STATUSES, type RunStatus } from './visibility-query.ts';

// Filter values go into visibility queries: letters, digits and . _ : @ + - only (no quote can end a literal).
const label = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9._:@+-]+$/, 'may only contain letters, digits and . _ : @ + -');

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((v) => new Date(v));

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Visibility's page tokens are JSON objects. SQL visibility's (the dev server's, a PostgreSQL cluster's)
 * are exactly { CloseTime, StartTime, RunID }, checked here in full: the server answers a malformed one
 * with an error its clients retry for many seconds. Another store's (Elasticsearch) pass as they are.
 */
function plausiblePageToken(token: unknown): boolean {
  if (!token || typeof token !== 'object' || Array.isArray(token)) return false;
  const t = token as Record<string, unknown>;
  if (!('CloseTime' in t || 'StartTime' in t || 'RunID' in t)) return true;
  return (
    Object.keys(t).length === 3 &&
    typeof t.CloseTime === 'string' &&
    RFC3339.test(t.CloseTime) &&
    typeof t.StartTime === 'string' &&
    RFC3339.test(t.StartTime) &&
    typeof t.RunID === 'string' &&
    UUID.test(t.RunID)
  );
}

/**
 * A runs list's cursor: a page of the platform's run index ([startedAt, runId], as every keyset
 * list of the platform) or, for a list filtered by status or approval, visibility's own page token.
 */
export type RunsCursor = { index: Cursor; token?: never } | { token: Uint8Array; index?: never };

/** The cursor a runs list handed out, or null when the text is not one. */
export function parseRunsCursor(text: string): RunsCursor | null {
  const bytes = Buffer.from(text, 'base64url');
  try {
    const decoded: unknown = JSON.parse(bytes.toString('utf8'));
    if (Array.isArray(decoded)) {
      const index = cursorParam.safeParse(text);
      return index.success ? { index: index.data } : null;
    }
    return plausiblePageToken(decoded) ? { token: new Uint8Array(bytes) } : null;
  } catch {
    return null;
  }
}

const statuses = Object.keys(RUN_STATUSES) as [RunStatus, ...RunStatus[]];

const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired'] as const;

export const runsQuerySchema = z
  .object({
    operation: label(64).optional(),
    tenantId: label(200).optional(),
    actor: label(200).optional(),
    status: z.enum(statuses, { error: `must be one of ${statuses.join(', ')}` }).optional(),
    from: instant.optional(),
    to: instant.optional(),
    approvalState: z.enum(APPROVAL_STATES, { error: `must be one of ${APPROVAL_STATES.join(', ')}` }).optional(),
    limit: pageLimit(200, 50),
    cursor: z
      .string()
      .max(4096)
      .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor returned by this API (use nextCursor)')
      .transform((text, ctx) => {
        const cursor = parseRunsCursor(text);
        if (cursor) return cursor;
        ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this API (use nextCursor)' });
        return z.NEVER;
      })
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] });

export const runParams = z.object({
  workflowId: z
    .string()
    .min(1)
    .max(1000)
    .refine((v) => unstorableReason(v) === null, 'must be a workflow id'),
});

/** Why an operator stops or retries a run: kept in the audit trail. */
export const reasonBody = z
  .object({
    reason: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'is required')
      .max(500, 'must be at most 500 characters')
      .refine((v) => unstorableReason(v) === null, 'must be plain text'),
  })
  .strict();

/** The approvals list pages like the runs list (visibility's own page token). */
export const approvalsQuery = z.object({ limit: runsQuerySchema.shape.limit, cursor: runsQuerySchema.shape.cursor });

/** A bulk action: the runs filter (as the list takes it), the action, why; then the preview's token. */
export const bulkBody = z
  .object({
    filter: z
      .object({
        operation: runsQuerySchema.shape.operation,
        tenantId: runsQuerySchema.shape.tenantId,
        actor: runsQuerySchema.shape.actor,
        status: runsQuerySchema.shape.status,
        from: runsQuerySchema.shape.from,
        to: runsQuerySchema.shape.to,
      })
      .strict()
      .default({}),
    action: z.enum(['cancel', 'retry'], { error: 'must be cancel or retry' }),
    reason: reasonBody.shape.reason,
    previewToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'is not a preview token returned by this API')
      .optional(),
  })
  .strict();
