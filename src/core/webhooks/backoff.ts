/**
 * Retry schedule of webhook deliveries: exponential backoff with full jitter
 * (delay = random(0.5…1) × min(max, base × 2^(attempt-1))), so that receivers coming back after
 * an outage are not hit by every retry at once. With the defaults (1 min doubling up to 12 h, 12
 * attempts) the 11 retries spread over about a day (15–29 h); after `maxAttempts` attempts the delivery is dead (kept in the log, redeliverable).
 */
export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  baseMs: number;
  /** Longest delay between two attempts (ms). */
  maxMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 60_000, maxMs: 12 * 3_600_000, maxAttempts: 12 };

/**
 * The delay before the next attempt after `attempts` failed attempts, or null when the delivery
 * is dead. `random` in [0, 1).
 */
export function retryDelay(attempts: number, policy: BackoffPolicy, random: number): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * Math.pow(2, Math.max(0, attempts - 1)));
  return Math.round(ceiling * (0.5 + random / 2));
}
