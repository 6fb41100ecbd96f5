/**
 * What the delivery log says about a failed attempt: one of a closed set of categories, so that
 * the log (read by workspace admins) tells nothing about the target beyond the class of its HTTP
 * status. A refused port, a reset, a TLS failure and a name that does not resolve all read
 * `connection failed`: the log cannot be used to scan a network. The precise reason goes to the
 * server log only (src/webhooks/send-delivery.ts).
 */
export const DELIVERY_ERRORS = {
  /** The target is, or resolves to, an internal address the operator did not allow. */
  internal: 'refused: internal address',
  connection: 'connection failed',
  timeout: 'timeout',
} as const;

/**
 * The log entry of a message delivery the timing policy suppressed (never sent): this prefix and
 * the policy's reason ("frequency cap: …"), which says nothing about the target.
 */
export const SUPPRESSED_PREFIX = 'suppressed: ';

/** The error of an answer with `status`: null for 2xx, else its class (redirects are never followed). */
export function answerError(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return 'HTTP 3xx (redirect not followed)';
  return `HTTP ${Math.floor(status / 100)}xx`;
}

const CATEGORIES = new Set<string>(Object.values(DELIVERY_ERRORS));

/**
 * The category of a recorded attempt, also of one recorded by an older version, which kept the
 * exact status text or the connection error's code (ECONNREFUSED, …) in `error`.
 */
export function deliveryErrorCategory(attempt: { status: number | null; error: string | null }): string | null {
  if (attempt.error === null) return null;
  if (attempt.status !== null) return answerError(attempt.status) ?? DELIVERY_ERRORS.connection;
  if (CATEGORIES.has(attempt.error) || attempt.error.startsWith(SUPPRESSED_PREFIX)) return attempt.error;
  return /^no answer within/.test(attempt.error) ? DELIVERY_ERRORS.timeout : DELIVERY_ERRORS.connection;
}
