import { z } from 'zod';
import { validationError } from '../platform/http/errors.ts';
import { issuesOf } from '../platform/http/validate.ts';
import { callbackUrlSchema } from '../platform/callbacks/start-callback.ts';

const requestId = z
  .string({ error: 'is required and must be a string' })
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'may only contain letters, digits, _ . : - (use a UUID)');
const tool = z.string({ error: 'is required and must be a string' }).min(1).max(100);
const toolArgs = z.record(z.string(), z.unknown(), { error: 'is required and must be an object' });
const dryRun = z.boolean({ error: 'must be a boolean' }).default(false);
/** Who triggered the request, as the caller labels it; extra descriptive keys are ignored. */
const actor = z
  .object({ type: z.string().min(1).max(50), id: z.string().min(1).max(200) })
  .loose()
  .transform(({ type, id }) => ({ type, id }));

const META_KEYS = ['requestId', 'dryRun', 'actor', 'callbackUrl'];

/**
 * `meta` is metadata: keys it does not know (n8n's workflow name, a timestamp)
 * are accepted and ignored, except one that is a known key spelled another way
 * (`dryrun`), which would silently change what runs.
 */
const meta = z
  .object(
    { requestId, dryRun, actor: actor.optional(), callbackUrl: callbackUrlSchema.optional() },
    { error: 'is required and must be an object' },
  )
  .loose()
  .superRefine((m, ctx) => {
    for (const k of Object.keys(m)) {
      const known = META_KEYS.find((n) => n !== k && n.toLowerCase() === k.toLowerCase());
      if (known) ctx.addIssue({ code: 'custom', path: [k], message: `unknown key; did you mean ${known}?` });
    }
  })
  .transform(({ requestId, dryRun, actor, callbackUrl }) => ({ requestId, dryRun, actor, callbackUrl }));

/** Recommended format: { tool, payload, meta: { requestId, dryRun, actor } }. */
export const newFormat = z.object({ tool, payload: toolArgs, meta }).strict();

/** Legacy format: { requestId, tool, dryRun, args }. */
export const legacyFormat = z.object({ requestId, tool, dryRun, args: toolArgs }).strict();

export const executeBodyDoc = z.union([newFormat, legacyFormat]);

export interface ExecuteRequest {
  format: 'new' | 'legacy';
  tool: string;
  args: Record<string, unknown>;
  requestId: string;
  dryRun: boolean;
  actor: { type: string; id: string } | null;
  callbackUrl?: string;
}

/** The requestId and tool of a request that failed validation, when they are readable, so the error can name them. */
function identify(body: Record<string, unknown>): { requestId?: string; tool?: string } {
  const m = body.meta as Record<string, unknown> | undefined;
  const rid = (m && typeof m === 'object' ? m.requestId : undefined) ?? body.requestId;
  return {
    ...(requestId.safeParse(rid).success ? { requestId: rid as string } : {}),
    ...(tool.safeParse(body.tool).success ? { tool: body.tool as string } : {}),
  };
}

/** Picks the format by its keys, then reports every bad field of that format. */
export function parseExecuteRequest(body: unknown): ExecuteRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const isNew = 'payload' in body || 'meta' in body;
  const parsed = (isNew ? newFormat : legacyFormat).safeParse(body);
  if (!parsed.success) {
    const err = validationError(issuesOf('body', parsed.error));
    err.meta = identify(body as Record<string, unknown>);
    throw err;
  }
  if ('payload' in parsed.data) {
    const d = parsed.data as z.output<typeof newFormat>;
    return {
      format: 'new',
      tool: d.tool,
      args: d.payload,
      requestId: d.meta.requestId,
      dryRun: d.meta.dryRun,
      actor: d.meta.actor ?? null,
      ...(d.meta.callbackUrl ? { callbackUrl: d.meta.callbackUrl } : {}),
    };
  }
  const d = parsed.data as z.output<typeof legacyFormat>;
  return { format: 'legacy', tool: d.tool, args: d.args, requestId: d.requestId, dryRun: d.dryRun, actor: null };
}
