/** A failure the caller can act on; the error middleware renders it in the module's envelope. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** Extra fields some envelopes carry (control plane: requestId, tool, help, retryAfter). */
  meta: ErrorMeta;

  constructor(status: number, code: string, message: string, extra: ErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.status = status;
    this.code = code;
    this.details = extra.details;
    this.headers = extra.headers;
    this.meta = extra.meta ?? {};
  }
}

/** What an error may carry beyond its status, code and message. */
export interface ErrorExtra {
  /** Field-level or domain details shown to the caller. */
  details?: Record<string, unknown>;
  /** Headers the answer carries (Retry-After, WWW-Authenticate…). */
  headers?: Record<string, string>;
  meta?: ErrorMeta;
  /** What really happened: logged, never answered. */
  cause?: unknown;
}

export interface ErrorMeta {
  requestId?: string;
  tool?: string;
  help?: string;
  retryAfter?: number;
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** 400 VALIDATION_ERROR listing every bad field. */
export const validationError = (issues: FieldIssue[]) =>
  new AppError(
    400,
    'VALIDATION_ERROR',
    `Invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { details: { issues } },
  );

/** 404 NOT_FOUND for `what` ("client" → "Client not found"), or with the spec's own wording. */
export const notFound = (what: string, message = `${what.charAt(0).toUpperCase()}${what.slice(1)} not found`) =>
  new AppError(404, 'NOT_FOUND', message);

/** 409 CONFLICT: the request contradicts what exists (a duplicate name, a state that forbids it). */
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError(409, 'CONFLICT', message, { details });

export const unauthorized = (message: string) =>
  new AppError(401, 'UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': 'Bearer' } });

export const forbidden = (message: string) => new AppError(403, 'FORBIDDEN', message);
