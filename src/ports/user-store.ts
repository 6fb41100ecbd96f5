/**
 * People who sign in (issue 19 §1): users, their server-side sessions, and the one-time tokens of
 * the first sign-in and of set-password links. Store.users.
 *
 * Users are staff of the operator, not profiles: their rows are not in a person's export or
 * erasure (a profile's data-subject request does not reach them); a user is disabled, not deleted,
 * so that the audit log's actor stays resolvable.
 *
 * Secrets are stored as hashes only: the password as an Argon2id string (access/passwords.ts),
 * session ids and tokens as SHA-256 hex of their random value (they have 256 bits of entropy, so a
 * fast hash suffices; a stolen table opens no session and redeems no token).
 */
import type { Role } from '../core/access/roles.js';
import type { EpochMs } from '../core/time.js';

export interface User {
  id: string;
  workspaceId: string;
  /** Normalised (core/access/sign-in-policy.ts normalizeEmail); unique across the installation. */
  email: string;
  name: string;
  role: Role;
  /** Null until the user sets a password through a set-password link. */
  passwordHash: string | null;
  disabled: boolean;
  failedSignIns: number;
  lockedUntil: EpochMs | null;
  lastSignInAt: EpochMs | null;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export type NewUser = Pick<User, 'id' | 'workspaceId' | 'email' | 'name' | 'role' | 'passwordHash' | 'createdAt'>;

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string | null;
}

export interface Session {
  /** SHA-256 hex of the session id the cookie carries. */
  idHash: string;
  userId: string;
  createdAt: EpochMs;
  lastSeenAt: EpochMs;
}

export type TokenPurpose = 'welcome' | 'set-password';

export interface UserToken {
  /** SHA-256 hex of the token in the link. */
  hash: string;
  purpose: TokenPurpose;
  workspaceId: string;
  /** The user whose password it sets; null for the welcome token (it creates the first admin). */
  userId: string | null;
  createdAt: EpochMs;
  expiresAt: EpochMs;
}

export interface UserStore {
  /** Inserts the user; null (and nothing written) when the e-mail is taken by any user. */
  create(user: NewUser): Promise<User | null>;
  /** The user of the workspace, or null (also for a user of another workspace). */
  get(workspaceId: string, id: string): Promise<User | null>;
  /** The user with this normalised e-mail in any workspace, or null. */
  findByEmail(email: string): Promise<User | null>;
  /** The workspace's users, by e-mail. */
  list(workspaceId: string): Promise<User[]>;
  /** How many users exist in the installation (0: the first administrator is still to come). */
  count(): Promise<number>;
  /** Applies the fields given and sets updatedAt; the changed user, or null when there is none. */
  update(workspaceId: string, id: string, patch: UserPatch, at: EpochMs): Promise<User | null>;
  /**
   * Counts a failed sign-in atomically (concurrent failures on two servers all count); when the
   * count reaches `maxFailures`, sets `lockedUntil = at + lockMs`. Answers the new state.
   */
  recordFailedSignIn(id: string, at: EpochMs, policy: { maxFailures: number; lockMs: number }): Promise<{ failedSignIns: number; lockedUntil: EpochMs | null }>;
  /** A successful sign-in: resets the count and the lock, sets lastSignInAt. */
  recordSignIn(id: string, at: EpochMs): Promise<void>;

  /** Stores a new session. Deletes, in passing, sessions whose lastSeenAt is before `staleBefore`. */
  createSession(session: Session, staleBefore: EpochMs): Promise<void>;
  /** The session and its user, or null when there is no such session. */
  findSession(idHash: string): Promise<{ session: Session; user: User } | null>;
  /** Sets lastSeenAt (idle timeout); no-op for an unknown session. */
  touchSession(idHash: string, at: EpochMs): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Deletes every session of the user but `keep` (sign out elsewhere); returns how many. */
  deleteSessionsOf(userId: string, keep?: string): Promise<number>;

  /**
   * Stores a token; deletes in the same transaction every other unused token of the same purpose
   * and user (for welcome: every other welcome token), so only the newest link works.
   */
  issueToken(token: UserToken): Promise<void>;
  /**
   * Redeems a token once: answers it and marks it used when it exists, has this purpose, is unused
   * and `at < expiresAt`; otherwise null. Atomic across servers: of concurrent redemptions of
   * one token exactly one gets it.
   */
  redeemToken(hash: string, purpose: TokenPurpose, at: EpochMs): Promise<UserToken | null>;
  /** The newest unused, unexpired token of the purpose (welcome: to say one was printed already). */
  liveToken(purpose: TokenPurpose, at: EpochMs): Promise<UserToken | null>;
}
