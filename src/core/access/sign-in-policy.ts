/**
 * Rules of signing in, pure: what an e-mail and a password must be, when an account locks after
 * failed sign-ins, and when a session ends.
 *
 * Passwords follow NIST SP 800-63B §5.1.1.2: at least 12 characters (we ask more than its 8: the
 * accounts read personal data), any characters including spaces, no composition rules, at most
 * 256 characters (hashing cost is bounded; pass phrases fit). A password equal to the e-mail is
 * refused.
 *
 * Lock-out (OWASP Authentication Cheat Sheet, "account lockout"): after MAX_FAILED_SIGN_INS wrong
 * passwords in a row the account refuses every sign-in for LOCK_MINUTES, also a right password, and
 * says so; a success resets the count. Each further failure after the lock ran out locks again.
 * Counting per account (in the store, shared by all servers) stops guessing one person's password
 * from many addresses; rate limiting per address (the route) stops one address trying many accounts.
 *
 * Sessions end after IDLE time without a request and at the latest ABSOLUTE time after sign-in
 * (OWASP Session Management Cheat Sheet; both are configuration).
 */
import type { FieldIssue } from '../errors.js';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

const CONTROL = /[\u0000-\u001f\u007f]/;
/** Deliberately simple: one @, something on each side, a dot in the domain; no spaces or controls. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The e-mail as stored and looked up: trimmed and lower-cased (people type it in any case). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function emailIssues(field: string, value: unknown): FieldIssue[] {
  if (typeof value !== 'string') return [{ field, reason: 'must be a string' }];
  const email = normalizeEmail(value);
  if (email.length > 254) return [{ field, reason: 'must be at most 254 characters' }];
  if (CONTROL.test(value) || !EMAIL.test(email)) return [{ field, reason: 'must be an e-mail address such as anna@example.com' }];
  return [];
}

export function nameIssues(field: string, value: unknown): FieldIssue[] {
  if (typeof value !== 'string') return [{ field, reason: 'must be a string' }];
  if (value.trim().length === 0) return [{ field, reason: 'must not be empty' }];
  if (value.length > 100) return [{ field, reason: 'must be at most 100 characters' }];
  if (CONTROL.test(value)) return [{ field, reason: 'must not contain control characters' }];
  return [];
}

export function passwordIssues(field: string, value: unknown, email?: string): FieldIssue[] {
  if (typeof value !== 'string') return [{ field, reason: 'must be a string' }];
  if ([...value].length < PASSWORD_MIN) return [{ field, reason: `must be at least ${PASSWORD_MIN} characters` }];
  if (value.length > PASSWORD_MAX) return [{ field, reason: `must be at most ${PASSWORD_MAX} characters` }];
  if (value.includes('\u0000')) return [{ field, reason: 'must not contain NUL' }];
  if (email !== undefined && normalizeEmail(value) === normalizeEmail(email)) return [{ field, reason: 'must not be the e-mail address' }];
  return [];
}

export interface LockState {
  failedSignIns: number;
  lockedUntil: number | null;
}

/** Whether the account refuses sign-ins at `now`. */
export const isLocked = (state: LockState, now: number): boolean => state.lockedUntil !== null && state.lockedUntil > now;

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** Why a session is over at `now`, or null while it lives. */
export function sessionEnd(session: SessionTimes, limits: SessionLimits, now: number): 'idle' | 'absolute' | null {
  if (now >= session.createdAt + limits.absoluteMs) return 'absolute';
  if (now >= session.lastSeenAt + limits.idleMs) return 'idle';
  return null;
}
