/** Where spec 003's routes live: JWT admin routes beside support's /admin session routes, client routes, logins. */
export const CALLER_ADMIN_PREFIX = '/admin';
export const CALLER_SECURE_PREFIX = '/secure';
export const CALLER_AUTH_PREFIX = '/auth';
/** Twilio's status callbacks (signed by Twilio, public otherwise). */
export const CALLER_TWILIO_PREFIX = '/api/caller/twilio';

export const statusCallbackUrl = (publicUrl: string, callId: string) =>
  `${publicUrl.replace(/\/$/, '')}${CALLER_TWILIO_PREFIX}/status/${encodeURIComponent(callId)}`;

export const callOperationUrl = (workflowId: string) =>
  `${CALLER_ADMIN_PREFIX}/call-operations/${encodeURIComponent(workflowId)}`;
