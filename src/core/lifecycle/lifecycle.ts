/**
 * The `lifecycle` field of a profile: the current stage, since when, and the full history of moves
 * with who or what caused each one. The history lives in the profile itself, so it is exported and
 * erased with the person; it is short (a person moves a handful of times).
 */
import type { EpochMs } from '../time.js';

export interface LifecycleMove {
  /** Null for the first stage a profile enters. */
  from: string | null;
  to: string;
  at: EpochMs;
  /** Readable: "engagement score 62 ≥ 50", "BANT complete", "manual move by key ak_… (note: …)". */
  reason: string;
  /** An event's messageId, `time`, `manual:<actor>`, `config`. */
  cause: string;
  /** Set on manual moves: the admin key id that moved the profile. */
  actor?: string;
  note?: string;
  /**
   * Set on the entry a merge records: the profile merged in and the stage it had. `from` is the
   * survivor's stage before, `to` the stage kept (the furthest of both). Not a move of its own:
   * it is never announced, and a manual hold looks past it.
   */
  merged?: { profileId: string; stage: string | null };
}

export interface ProfileLifecycle {
  stage: string;
  since: EpochMs;
  /** Oldest first. */
  history: LifecycleMove[];
  /**
   * The next moment automatic rules may apply by time alone (engagement decaying across a
   * threshold of a rule, a manual hold ending); the segment scheduler re-evaluates the profile then.
   */
  checkAt?: EpochMs;
}
