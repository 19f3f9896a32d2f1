import type { AppError } from './errors.ts';

/** Each spec wraps errors its own way; modules name theirs when they are mounted. */
export type EnvelopeName = 'cockpit' | 'platform';

type Render = (err: AppError) => unknown;

const renderers: Record<EnvelopeName, Render> = {
  // spec 000: { success: false, error: { code, message, details? } }
  cockpit: (e) => ({ success: false, error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }),
  platform: (e) => ({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }),
};

export function renderError(envelope: EnvelopeName, err: AppError): unknown {
  return renderers[envelope](err);
}
