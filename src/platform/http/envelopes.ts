import type { AppError } from './errors.ts';

/** Renders an error as one spec's envelope. Modules declare theirs in their manifest. */
export type ErrorRenderer = (err: AppError) => unknown;

/** The platform's own envelope (health, metrics, unknown routes outside every module). */
export const platformEnvelope: ErrorRenderer = (e) => ({
  error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
});
