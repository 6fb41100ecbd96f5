/**
 * The privacy part of the storage port (issue 5): settings, consent ledger, counters of withheld
 * data, audit log, erasure and retention. Store.privacy; see also WriteTx.findTombstones and
 * ChangeSet.consents/counters in store.ts.
 */
import type { JsonObject } from '../core/events/event.js';
import type { PrivacySettings } from '../core/privacy/privacy-settings.js';
import type { EpochMs } from '../core/time.js';
import type { ConsentRecord } from '../core/privacy/consent.js';
import type { IdentityKey } from '../core/identity/identity-key.js';

/** What ingest withheld or flagged, counted per day (aggregates: no personal data). */
export interface PrivacyCounter {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  kind: 'withheld_event' | 'withheld_trait' | 'undeclared_event' | 'undeclared_trait' | 'refused_erased';
  /** The event or trait name. */
  name: string;
  count: number;
}

export interface AuditEntry {
  workspaceId: string;
  at: EpochMs;
  /** Who: the id of the API key used (never the key), or `cli`, or `system`. */
  actor: string;
  /** What: `profile.read`, `profile.events.read`, `profile.export`, `profile.erase`, `privacy.settings.update`, `retention.purge` … */
  action: string;
  /** Which profile (a pseudonymous id), or null. */
  subject: string | null;
  /** Extra facts without personal data (counts, settings changed). */
  details: JsonObject;
}

export interface PurgeRule {
  type: string;
  names: string[] | null;
  exceptNames?: string[];
  before: EpochMs;
}

export interface ErasureReport {
  /** Tombstones stored (0 when erasing without them, e.g. retention). */
  tombstones: number;
  profiles: number;
  identities: number;
  events: number;
  merges: number;
  consents: number;
}

/**
 * Everything privacy needs from storage. Erasure deletes every row about the person (the profile,
 * profiles merged into it, identities, events, merge log, consent ledger, and whatever later
 * issues add) in one transaction, and records the tombstones.
 */
export interface PrivacyStore {
  /** Settings saved for the workspace (null: never saved, defaults apply). */
  getSettings(workspaceId: string): Promise<PrivacySettings | null>;
  putSettings(workspaceId: string, settings: PrivacySettings, at: EpochMs): Promise<void>;
  /** The workspace's secret for keyed hashes (IPs, tombstones): the stored one, or `candidate` stored now. */
  secret(workspaceId: string, candidate: string): Promise<string>;
  /** The person's consent ledger, oldest first. */
  consents(workspaceId: string, profileId: string): Promise<ConsentRecord[]>;
  /** Counters of days from..to (inclusive, YYYY-MM-DD), ordered by day, kind, name. */
  counters(workspaceId: string, fromDay: string, toDay: string): Promise<PrivacyCounter[]>;
  audit(entry: AuditEntry): Promise<void>;
  /** Audit entries, newest first. */
  auditLog(workspaceId: string, options: { limit: number; cursor?: string }): Promise<{ entries: AuditEntry[]; nextCursor: string | null }>;
  /**
   * Deletes the live profile `profileId` and everything about the person. With `tombstone`, stores
   * the tombstone of every identity deleted, computed inside the same transaction (an identity
   * added just before cannot escape it). Throws `not_found` when the profile is not live.
   */
  erase(workspaceId: string, profileId: string, options: { tombstone: ((key: IdentityKey) => string) | null; at: EpochMs }): Promise<ErasureReport>;
  /**
   * Retention: deletes up to `limit` events of the workspace older than `before` whose type (and,
   * for track, name) matches; `names` null matches every name of that type, `exceptNames` excludes
   * some (for "every other track event"). Returns how many were deleted and the profiles they
   * belonged to (whose behaviour must be recomputed); call again until nothing is deleted.
   */
  purgeEvents(workspaceId: string, rule: PurgeRule, limit: number): Promise<{ deleted: number; profileIds: string[] }>;
  /**
   * Retention of the copies of traits kept in merge snapshots: removes every snapshot trait for
   * which `expired(name, at)` holds; returns how many snapshots changed.
   */
  redactMergeSnapshots(workspaceId: string, expired: (trait: string, at: EpochMs) => boolean): Promise<number>;
}
