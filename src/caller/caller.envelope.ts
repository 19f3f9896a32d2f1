import type { ErrorRenderer } from '../platform/http/envelopes.ts';
import type { FieldIssue } from '../platform/http/errors.ts';

/**
 * Spec 003 answers `{ message }` on success and names no error body: errors are
 * `{ success: false, message, code, errors? }`, a 400 listing each bad field.
 */
export const callerEnvelope: ErrorRenderer = (e) => {
  const issues = (e.details?.issues as FieldIssue[] | undefined) ?? [];
  return {
    success: false,
    message: e.status === 400 && issues.length ? 'Invalid request' : e.message,
    code: e.code,
    ...(issues.length
      ? { errors: Object.fromEntries(issues.map((i) => [i.field.replace(/^(body|query|params)\./, ''), i.message])) }
      : e.details
        ? { details: e.details }
        : {}),
  };
};
