/**
 * The segment part of the storage port (issue 4): definitions of segments and computed traits,
 * the membership table (for listing, counting and exporting members), the due table of the
 * time-window scheduler, and the reads backfill and preview need. Store.segments; the writes that
 * happen with ingest travel in ChangeSet.segments and go through WriteTx.segments.
 *
 * Memberships and due times are personal data: erasure deletes them with the person
 * (PrivacyStore.erase), and a merge removes those of the profile merged away.
 */
import type { TrackedEvent } from '../core/events/event.js';
import type { Profile } from '../core/profiles/profile.js';
import type { EpochMs } from '../core/time.js';

export type DefinitionKind = 'segment' | 'computed';

/** Progress of a backfill (a definition evaluated over the profiles that existed before it). */
export interface BackfillProgress {
  state: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  startedAt: EpochMs;
  updatedAt: EpochMs;
  finishedAt: EpochMs | null;
  /** The last profile id processed (profiles are processed in id order); resumes after it. */
  after: string | null;
  /** When the current run began and how many were processed before it (a resumed backfill's rate is this run's). */
  runStartedAt?: EpochMs;
  runStartProcessed?: number;
  error?: string;
}

export interface StoredDefinition {
  workspaceId: string;
  kind: DefinitionKind;
  /** Segment id or computed trait key. */
  id: string;
  /** The definition as validated (Segment fields without the envelope, or a ComputedTraitDefinition). */
  body: Record<string, unknown>;
  createdAt: EpochMs;
  updatedAt: EpochMs;
  backfill: BackfillProgress | null;
}

export interface MemberRow {
  profileId: string;
  since: EpochMs;
  reason: string;
}

/** Membership changes and due times written with an ingest batch or a re-evaluation. */
export interface SegmentChanges {
  /** Entries (`since` set) and exits (`since` null) of the batch's live profiles. */
  members: Array<{ segmentId: string; profileId: string; since: EpochMs | null; reason: string }>;
  /** The next time each profile must be re-evaluated without an event (null: never). */
  due: Array<{ profileId: string; dueAt: EpochMs | null }>;
  /** Profiles merged away in the batch: their memberships and due times are removed. */
  retired: string[];
}

export interface SegmentTx {
  /**
   * Claims up to `limit` profiles due at or before `now` (any workspace), oldest due first, and
   * locks them until the transaction ends; on PostgreSQL rows claimed by another server's open
   * transaction are skipped (FOR UPDATE SKIP LOCKED). The caller re-evaluates them and writes
   * their next due time (or null) through ChangeSet.segments.due.
   */
  claimDue(now: EpochMs, limit: number): Promise<Array<{ workspaceId: string; profileId: string }>>;
  /** Stored events of each given profile, in timestamp order (for rebuilding derived state). */
  eventsByProfile(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, TrackedEvent[]>>;
}

export interface SegmentStore {
  /** Every definition of the workspace, oldest first. */
  list(workspaceId: string): Promise<StoredDefinition[]>;
  get(workspaceId: string, kind: DefinitionKind, id: string): Promise<StoredDefinition | null>;
  /** Inserts or replaces the definition (by workspace, kind, id). */
  put(definition: StoredDefinition): Promise<void>;
  /** Deletes it (and, for a segment, its membership rows); false when there was none. */
  delete(workspaceId: string, kind: DefinitionKind, id: string): Promise<boolean>;
  setBackfill(workspaceId: string, kind: DefinitionKind, id: string, progress: BackfillProgress): Promise<void>;
  /** Members in profile id order, after the cursor (a profile id). */
  members(workspaceId: string, segmentId: string, options: { limit: number; after?: string }): Promise<MemberRow[]>;
  /**
   * The segment's member count as kept by the store: every write that inserts or deletes
   * membership rows (ingest entries and exits, merges, erasure, deletion of the segment) changes it
   * in the same transaction, so it equals the number of rows `members` pages through, without
   * counting them (0 for a segment with none, or unknown). Cheap at any size.
   */
  memberCount(workspaceId: string, segmentId: string): Promise<number>;
  /**
   * Sets the kept count from the membership rows themselves (a count over the segment's rows, so
   * as slow as counting) and returns it; writes committing meanwhile are neither lost nor counted
   * twice. Run when a backfill of the segment finishes (segments/backfill.ts).
   */
  recountMembers(workspaceId: string, segmentId: string): Promise<number>;
  /**
   * Where a store keeps a count in pieces (PostgreSQL: one row per writing transaction), folds the
   * pieces of every segment that has many into one, so that they do not pile up between reads; the
   * counts do not change. Returns how many segments were folded (always 0 on SQLite). The segment
   * scheduler runs it now and then.
   */
  compactMemberCounts(): Promise<number>;
  /** Live profile ids in id order after `after`, for backfills. */
  profileIds(workspaceId: string, options: { limit: number; after?: string }): Promise<string[]>;
  /** Live profiles in id order after `after`, read-only (preview). */
  scanProfiles(workspaceId: string, options: { limit: number; after?: string }): Promise<Profile[]>;
  /** Stored events per profile, read-only (preview of conditions that need history). */
  eventsByProfile(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, TrackedEvent[]>>;
  /** The earliest due time of any profile, or null (the scheduler sleeps until then). */
  nextDueAt(): Promise<EpochMs | null>;
}
