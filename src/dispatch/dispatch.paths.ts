/** Spec 002's base URL, shared with the cockpit (spec 000): auth and envelopes are per route. */
export const DISPATCH_PREFIX = '/api/admin';

/** Where a dispatch run that outlived the synchronous bound is followed (beside, not under, the cockpit's). */
export const operationUrl = (workflowId: string) =>
  `${DISPATCH_PREFIX}/dispatch/operations/${encodeURIComponent(workflowId)}`;
