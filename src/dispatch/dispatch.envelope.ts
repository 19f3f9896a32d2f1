import type { ErrorRenderer } from '../platform/http/envelopes.ts';
import type { FieldIssue } from '../platform/http/errors.ts';

/** `body.reason` → `reason`: the spec names fields as the caller sent them. */
const fieldName = (field: string) => field.replace(/^(body|query|params)\./, '');

/**
 * Spec 002's errors: `{ error }` with its fixed texts for 400/401/403/404/500
 * (400 with `details: { field: message }`). Answers the spec does not list
 * (409, 422, 429, 503) keep its shape and add a stable `code`.
 */
export const dispatchEnvelope: ErrorRenderer = (e) => {
  if (e.status === 400) {
    const issues = (e.details?.issues as FieldIssue[] | undefined) ?? [];
    const details = issues.length
      ? Object.fromEntries(issues.map((i) => [fieldName(i.field), i.message]))
      : { body: e.message };
    return { error: 'Validation error', details };
  }
  if (e.status === 401) return { error: 'Unauthorized' };
  if (e.status === 403 && e.code === 'FORBIDDEN') return { error: 'Insufficient permissions' };
  if (e.status === 404) return { error: 'Resource not found' };
  if (e.status === 500)
    return {
      error: 'Internal server error',
      ...(e.code !== 'INTERNAL_ERROR' ? { code: e.code } : {}),
      ...(e.details ? { details: e.details } : {}),
    };
  return { error: e.message, code: e.code, ...(e.details ? { details: e.details } : {}) };
};

/** A 400 naming one field, in the shape validate() produces. */
export const fieldError = (field: string, message: string) => ({ field: `body.${field}`, message });
