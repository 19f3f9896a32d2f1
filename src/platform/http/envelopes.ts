import type { AppError } from './errors.ts';

/** Each spec wraps errors its own way; modules name theirs when they are mounted. */
export type EnvelopeName = 'cockpit' | 'control' | 'support' | 'customer' | 'platform';

type Render = (err: AppError) => unknown;

const renderers: Record<EnvelopeName, Render> = {
  // spec 000: { success: false, error: { code, message, details? } }
  cockpit: (e) => ({
    success: false,
    error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
  }),
  // spec 004: { ok: false, requestId?, tool?, error: { code, message, details?, help?, retryAfter? } }
  control: (e) => ({
    ok: false,
    ...(e.meta.requestId ? { requestId: e.meta.requestId } : {}),
    ...(e.meta.tool ? { tool: e.meta.tool } : {}),
    error: {
      code: e.code,
      message: e.message,
      ...(e.details ? { details: e.details } : {}),
      ...(e.meta.help ? { help: e.meta.help } : {}),
      ...(e.meta.retryAfter !== undefined ? { retryAfter: e.meta.retryAfter } : {}),
    },
  }),
  // spec 001 admin API: { success: false, error: "<message>" } (+ details for invalid input)
  support: (e) => ({ success: false, error: e.message, ...(e.details ? { details: e.details } : {}) }),
  // spec 001 customer side: { error: "<message>" }
  customer: (e) => ({ error: e.message, ...(e.details ? { details: e.details } : {}) }),
  platform: (e) => ({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } }),
};

export function renderError(envelope: EnvelopeName, err: AppError): unknown {
  return renderers[envelope](err);
}
