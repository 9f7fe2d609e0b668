import type { ErrorCode, FieldIssue } from '@custodian/contracts';

/** The one status for each error code; the compiler checks that none is missing. */
export const statusOf = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  invalid_mfa_code: 401,
  csrf_failed: 403,
  forbidden: 403,
  processing_refused: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  not_ready: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export const titleOf = {
  validation_failed: 'Validation failed',
  bad_request: 'Bad request',
  unauthenticated: 'Authentication required',
  invalid_credentials: 'Invalid credentials',
  mfa_required: 'Second factor required',
  invalid_mfa_code: 'Invalid second factor',
  csrf_failed: 'CSRF check failed',
  forbidden: 'Forbidden',
  processing_refused: 'Processing refused',
  not_found: 'Not found',
  conflict: 'Conflict',
  gone: 'Gone',
  payload_too_large: 'Payload too large',
  uri_too_long: 'URI too long',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  not_ready: 'Not ready',
  internal: 'Internal server error',
} as const satisfies Record<ErrorCode, string>;

/**
 * The one error type of the application. `message` and `details` name fields, never their values:
 * they go to the client and to the logs.
 */
export class AppError extends Error {
  readonly details: FieldIssue[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { details?: FieldIssue[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `The ${what} does not exist`);
export const forbidden = () => new AppError('forbidden', 'You do not have permission to do this');
export const conflict = (field: string, issue: string) =>
  new AppError('conflict', `The ${field} conflicts with existing data`, { details: [{ field, issue }] });
