/**
 * The catalogue of errors that may reach a caller (HTTP or CLI).
 *
 * Expected outcomes (an invalid event, a duplicate, a refused merge) are values, not exceptions.
 * When such an outcome has to be reported to a caller it becomes a TesseraError from this
 * catalogue, which carries its stable code, its HTTP status and the details a client needs
 * (the field and the reason). Anything else that is thrown is a bug and maps to a 500.
 */

export interface FieldIssue {
  /** JSON pointer-ish path of the offending field, e.g. `batch[3].userId`. */
  field: string;
  reason: string;
}

const catalogue = {
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_body: { status: 400, message: 'The request body does not match the expected shape.' },
  invalid_event: { status: 400, message: 'The event is invalid.' },
  invalid_batch: { status: 400, message: 'The batch is invalid; nothing was stored.' },
  invalid_query: { status: 400, message: 'The query parameters are invalid.' },
  unsupported_encoding: { status: 415, message: 'The content encoding is not supported.' },
  event_too_large: { status: 400, message: 'An event exceeds the 32 KB limit.' },
  body_too_large: { status: 413, message: 'The request body exceeds the 500 KB limit.' },
  unauthorized: { status: 401, message: 'A valid key is required.' },
  forbidden: { status: 403, message: 'This request is not allowed from where it came.' },
  not_found: { status: 404, message: 'Not found.' },
  overloaded: { status: 429, message: 'The server is busy; retry later.' },
  unavailable: { status: 503, message: 'The server is not ready; retry later.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  mail_unavailable: { status: 503, message: 'Email cannot be sent now: no SMTP server is configured, or it refused the message.' },
  bad_request: { status: 400, message: 'The request is not valid HTTP.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  public_url_required: { status: 503, message: 'Emails with links need the public URL of this server (TESSERA_PUBLIC_URL), which is not configured.' },
  invalid_token: { status: 401, message: 'The link token is not valid: tampered, expired, for another purpose or retired.' },
  account_locked: { status: 429, message: 'This account is locked after too many failed sign-ins; try again later.' },
  too_many_attempts: { status: 429, message: 'Too many sign-in attempts from this address; retry later.' },
  token_used: { status: 409, message: 'The link token was used on another device already: a link recognises only the device it was first opened on.' },
} as const;

export type ErrorCode = keyof typeof catalogue;

/** Every code a caller may see (and `internal`, the code of a 500), for the API reference. */
export const ERROR_CODES: readonly string[] = [...Object.keys(catalogue), 'internal'];

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: FieldIssue[];
  readonly retryAfterSeconds: number | undefined;

  /** `cause`: the failure behind it, for logs and callers that report it (never sent to clients). */
  constructor(code: ErrorCode, options: { message?: string; issues?: FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(options.message ?? catalogue[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TesseraError';
    this.code = code;
    this.status = catalogue[code].status;
    this.issues = options.issues ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isTesseraError(error: unknown): error is TesseraError {
  return error instanceof TesseraError;
}
