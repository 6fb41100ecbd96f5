/**
 * The store's side of undoing a merge (identity/unmerge.ts), inside a write transaction
 * (`WriteTx.unmerges`). The planning is core/identity/unmerge-plan.ts; these methods read what it
 * needs and move the rows it decided.
 */
import type { StoredEvent } from '../core/events/event.js';
import type { IdentityKey } from '../core/identity/identity-key.js';
import type { MergeLogEntry } from '../core/identity/unmerge-plan.js';
import type { ConsentRecord } from '../core/privacy/consent.js';
import type { EpochMs } from '../core/time.js';

export interface UnmergeTx {
  /**
   * Excludes every other writer of the workspace until the transaction ends (PostgreSQL: the
   * workspace's advisory lock in exclusive mode, as an erasure takes it, so ingest batches of the
   * workspace under way finish first and later ones wait; SQLite: its single writer already does).
   * Call it before reading anything else.
   */
  lock(workspaceId: string): Promise<void>;
  /** Every merge (in effect or undone) in which one of the profiles survived or was merged, in the order they happened. */
  merges(workspaceId: string, profileIds: readonly string[]): Promise<MergeLogEntry[]>;
  /** The events stored for the profile now (`profileId`), with their original profile, oldest first. */
  eventsOf(workspaceId: string, profileId: string): Promise<StoredEvent[]>;
  /** The consent ledger entries of the profile now, in the order they were appended. */
  consentsOf(workspaceId: string, profileId: string): Promise<Array<Pick<ConsentRecord, 'messageId' | 'purposes' | 'channel' | 'at'>>>;
  /** Moves the rows of one undone merge; see UnmergeChanges for the effects. */
  apply(changes: UnmergeChanges): Promise<void>;
}

/**
 * One undone merge: `restoredId` is live again (no longer redirected) and the profiles of
 * `redirect` point to it; the listed identities, events (by message id) and their consent records
 * move from `survivorId` to it; `removed` identities are deleted; the merge log entry `seq` is
 * marked undone (`at`, `cause`). The profiles' traits and state are written afterwards, by the
 * re-evaluation that rebuilds them (ChangeSet.profiles).
 */
export interface UnmergeChanges {
  workspaceId: string;
  seq: number;
  survivorId: string;
  restoredId: string;
  redirect: string[];
  identities: IdentityKey[];
  removed: IdentityKey[];
  events: string[];
  at: EpochMs;
  cause: string;
}
