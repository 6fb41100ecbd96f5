/**
 * Dead letters: events the ingest pipeline failed on by themselves (a poison event: it fails alone
 * while the events around it commit), kept with the error instead of failing their request again
 * and again. A letter is written durably before its request is acknowledged, so an acknowledged
 * event is either stored or here. Admins list, retry and delete them (http/routes/dead-letters.ts);
 * they hold the raw event, so they are the person's data: the identifiers the event names are kept
 * beside it, and export and erasure find the letter by them (privacy/export.ts, privacy/erasure.ts),
 * also when the event never reached a profile.
 */
import type { TrackedEvent } from '../core/events/event.js';
import type { IdentityKey } from '../core/identity/identity-key.js';
import type { EpochMs } from '../core/time.js';

export interface DeadLetter {
  /** Time-ordered (`dl_…`): letters list oldest first by id. */
  id: string;
  workspaceId: string;
  /** The event as validated and pseudonymised for ingest: retried as it is. */
  event: TrackedEvent;
  /** The identifiers the event names (userId, anonymousId, email, previousId as both kinds). */
  keys: IdentityKey[];
  /** The error's class and message (`TypeError: …`); may quote the event, so it is the person's data too. */
  error: string;
  failedAt: EpochMs;
  /** Times processing failed on it: 1 when dead-lettered, +1 per failed retry. */
  attempts: number;
}

export interface DeadLetterPage {
  deadLetters: DeadLetter[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface DeadLetterStore {
  /** Stores a new letter. Resolves once it is on disk: the event's request is acknowledged after. */
  add(letter: DeadLetter): Promise<void>;
  /** The workspace's letters, oldest first. Throws `invalid_query` for a cursor it did not return. */
  list(workspaceId: string, options: { limit: number; cursor?: string }): Promise<DeadLetterPage>;
  /** The letter, or null. */
  get(workspaceId: string, id: string): Promise<DeadLetter | null>;
  /** A retry failed again: attempts + 1, with the new error and time. False when there is no such letter. */
  recordFailure(workspaceId: string, id: string, failure: { error: string; at: EpochMs }): Promise<boolean>;
  /** Deletes the letter (retried successfully, or dropped by an admin). False when there was none. */
  remove(workspaceId: string, id: string): Promise<boolean>;
  /** The letters naming any of the identifiers (export), oldest first. */
  naming(workspaceId: string, keys: readonly IdentityKey[]): Promise<DeadLetter[]>;
  /** Deletes the letters naming any of the identifiers (erasure); returns how many. */
  eraseNaming(workspaceId: string, keys: readonly IdentityKey[]): Promise<number>;
  /** Letters kept in every workspace (the metrics' gauge). */
  count(): Promise<number>;
}
