/**
 * Funnels and retention (issue 18) read events through the `events_hits` index: each stored event
 * that web analytics counts carries its hit key (core/analytics/hit-key.ts). The answers are
 * person-level (profile ids) and never leave the service: it turns them into counts.
 *
 * The person is the event's live profile (a merge moves events to the survivor). Events stored
 * before the key was kept (schema version 25) have none and are not found.
 */
import type { HitMatch } from '../core/analytics/hit-key.js';
import type { Audience } from '../core/analytics/dimensions.js';
import type { TrackedEvent } from '../core/events/event.js';

/** Progress of `tessera analytics backfill` in a workspace (analytics/hit-backfill.ts). */
export interface HitBackfillProgress {
  /** The last event sequence number examined: a resumed run continues after it. */
  cursor: number;
  /** Events examined, and those given a key. */
  processed: number;
  keyed: number;
  /** When the run began (a resumed run keeps it) and when it finished (null while unfinished). */
  startedAt: number;
  finishedAt: number | null;
}

/** A property an event step must have: its JSON value equals one of `json` (JSON texts, e.g. `"pro"`, `5`, `true`). */
export interface PropertyMatch { key: string; json: readonly string[] }

export interface HitQuery {
  workspaceId: string;
  /** Epoch ms, from inclusive, to exclusive. */
  from: number;
  to: number;
  /** Only people who are now known (a user id or email) or anonymous. */
  audience?: Audience;
}

/** One occurrence: the person, the time, and the event's order among events stored at the same time. */
export type Occurrence = [profileId: string, ts: number, seq: number];

export interface HitStore {
  /**
   * The events matching `match` (and every property of `properties`) in the range, in no particular
   * order; only those of `people` when given.
   */
  occurrences(query: HitQuery & { match: HitMatch; properties?: readonly PropertyMatch[]; people?: readonly string[] }): Promise<Occurrence[]>;
  /**
   * The people whose first hit ever is in the range, with each UTC hour (epoch ms / 3,600,000) of
   * the range they had a hit in; one row per person and hour, in no particular order.
   */
  newcomerHours(query: HitQuery): Promise<Array<[profileId: string, hour: number]>>;
  /** Events without a hit key stored after `afterSeq`, in sequence order, at most `limit` (the backfill's pages). */
  unkeyed(workspaceId: string, afterSeq: number, limit: number): Promise<Array<{ seq: number; event: TrackedEvent }>>;
  /** How many events after `afterSeq` have no hit key (the backfill's total; one scan). */
  unkeyedCount(workspaceId: string, afterSeq: number): Promise<number>;
  /** Writes the keys of a page and the progress after it, in one transaction. */
  writeKeys(workspaceId: string, keys: ReadonlyArray<{ seq: number; hit: string }>, progress: HitBackfillProgress): Promise<void>;
  backfillProgress(workspaceId: string): Promise<HitBackfillProgress | null>;
}
