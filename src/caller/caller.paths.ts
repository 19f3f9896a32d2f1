/** Where spec 003's routes live: JWT admin routes beside support's /admin session routes, client routes, logins. */
export const CALLER_ADMIN_PREFIX = '/admin';
export const CALLER_SECURE_PREFIX = '/secure';
export const CALLER_AUTH_PREFIX = '/auth';
/** Twilio's status callbacks (signed by Twilio, public otherwise). */
export const CALLER_TWILIO_PREFIX = '/api/caller/twilio';

export const statusCallbackUrl = (publicUrl: string, callId: string) =>
  `${publicUrl.replace(/\/$/, '')}${CALLER_TWILIO_PREFIX}/status/${encodeURIComponent(callId)}`;

/** Where a make-call run that outlived the sync bound is followed: the client's own route, or the admin's. */
export const callOperationUrl = (workflowId: string, byClient: boolean) =>
  `${byClient ? CALLER_SECURE_PREFIX : CALLER_ADMIN_PREFIX}/call-operations/${encodeURIComponent(workflowId)}`;
