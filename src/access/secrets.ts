/**
 * Random secrets of sign-in: session ids, one-time link tokens, and what is stored of them.
 * 32 random bytes (256 bits) in base64url; stored as SHA-256 hex. A fast hash is right here (not
 * Argon2): the input is random with full entropy, so there is nothing to guess offline.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newSecret = (): string => randomBytes(32).toString('base64url');

export const secretHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * The CSRF token of a session (OWASP's synchronizer token pattern, derived instead of stored): a
 * hash of the session id under its own label. Unpredictable without the session id, which the
 * HttpOnly cookie keeps from scripts; not derivable from the stored session hash.
 */
export const csrfTokenOf = (sessionId: string): string => createHash('sha256').update(`tessera-csrf\u0000${sessionId}`, 'utf8').digest('base64url');

/** Constant-time comparison of two strings (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
