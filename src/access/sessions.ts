/**
 * Server-side sessions of signed-in people: the cookie carries a random session id; the store
 * keeps only its hash (so sessions survive restarts and work across servers on PostgreSQL). Each
 * request checks the idle and absolute timeouts (core/access/sign-in-policy.ts) against the
 * injected clock, and refreshes the idle time at most once a minute (a write per minute per
 * person, not per request).
 */
import { sessionEnd, type SessionLimits } from '../core/access/sign-in-policy.js';
import type { User, UserStore } from '../ports/user-store.js';
import { csrfTokenOf, newSecret, secretHash } from './secrets.js';

const TOUCH_EVERY_MS = 60_000;

export type ResolvedSession =
  | { state: 'active'; user: User; csrfToken: string; idHash: string }
  | { state: 'ended'; reason: 'idle' | 'absolute' | 'disabled' }
  | { state: 'none' };

export interface SessionServiceDeps {
  users: UserStore;
  now: () => number;
  limits: SessionLimits;
}

export function createSessionService(deps: SessionServiceDeps) {
  const { users, now, limits } = deps;
  return {
    limits,
    /** Starts a session for the user: the id for the cookie (shown once) and its CSRF token. */
    async start(user: User): Promise<{ sessionId: string; csrfToken: string }> {
      const sessionId = newSecret();
      const at = now();
      await users.createSession({ idHash: secretHash(sessionId), userId: user.id, createdAt: at, lastSeenAt: at }, at - limits.idleMs);
      return { sessionId, csrfToken: csrfTokenOf(sessionId) };
    },
    async resolve(sessionId: string): Promise<ResolvedSession> {
      const idHash = secretHash(sessionId);
      const found = await users.findSession(idHash);
      if (!found) return { state: 'none' };
      const at = now();
      const ended = sessionEnd(found.session, limits, at);
      if (ended || found.user.disabled) {
        await users.deleteSession(idHash);
        return { state: 'ended', reason: ended ?? 'disabled' };
      }
      if (at - found.session.lastSeenAt >= TOUCH_EVERY_MS) await users.touchSession(idHash, at);
      return { state: 'active', user: found.user, csrfToken: csrfTokenOf(sessionId), idHash };
    },
    end: (sessionId: string) => users.deleteSession(secretHash(sessionId)),
    /** Ends every other session of the user (after a password change). */
    endOthers: (userId: string, keepIdHash: string) => users.deleteSessionsOf(userId, keepIdHash),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
