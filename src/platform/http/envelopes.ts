import type { AppError } from './errors.ts';

/** Renders an error as one spec's envelope. Modules declare theirs in their manifest. */
export type ErrorRenderer = (err: AppError) => unknown;

/** `{ code, message, details? }`: the error object the coded envelopes carry. */
const errorObject = (e: AppError) => ({
  code: e.code,
  message: e.message,
  ...(e.details ? { details: e.details } : {}),
});

/** The platform's own envelope (health, metrics, unknown routes outside every module). */
export const platformEnvelope: ErrorRenderer = (e) => ({ error: errorObject(e) });

/** `{ success: false, error: { code, message, details? } }`: spec 000's, which every /api/admin route answers. */
export const adminApiEnvelope: ErrorRenderer = (e) => ({ success: false, error: errorObject(e) });
