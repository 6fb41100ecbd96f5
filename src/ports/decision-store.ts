/**
 * The decision part of the storage port (issue 14): a workspace's slots, its decision settings and
 * the per-person exposure counters timing reads (core/decisions/exposure-counters.ts). Store.decisions.
 *
 * Exposure counters are personal data: an erasure deletes them with the person
 * (PrivacyStore.erase), the person's export lists them (`countersOf`), and a profile merge folds
 * the merged profile's record into the survivor's with core's `mergeCounters` (inside the ingest
 * write transaction, WriteTx.apply) and deletes the merged one.
 */
import type { DecisionSettings } from '../core/decisions/decision-settings.js';
import type { Exposure, ExposureCounters } from '../core/decisions/exposure-counters.js';
import type { Slot } from '../core/decisions/slot.js';
import type { EpochMs } from '../core/time.js';

/** A slot as stored: `version` grows by one on every put, so (id, version) names one definition (compile caches key on it). */
export interface StoredSlot extends Slot {
  version: number;
}

export interface StoredCounters {
  profileId: string;
  counters: ExposureCounters;
  updatedAt: EpochMs;
}

/**
 * The largest counters record a store keeps, serialised (core bounds the record to MAX_KEYS keys of
 * at most MAX_TIMES_PER_KEY times; this is the store's own guard against an unbounded row).
 */
export const MAX_COUNTERS_BYTES = 512 * 1024;

export interface DecisionStore {
  /** The workspace's slots, ordered by creation time, then id. */
  listSlots(workspaceId: string): Promise<StoredSlot[]>;
  getSlot(workspaceId: string, id: string): Promise<StoredSlot | null>;
  /**
   * Creates or replaces the slot (keyed by workspace and id) and returns it as stored: a new slot
   * gets version 1 and keeps `createdAt`; a replaced one keeps its first `createdAt`, takes the
   * given `updatedAt`, and its version is the old one + 1.
   */
  putSlot(slot: Slot): Promise<StoredSlot>;
  /** False when there was no such slot. */
  deleteSlot(workspaceId: string, id: string): Promise<boolean>;
  /** The workspace's decision settings; null when never set (callers use DEFAULT_DECISION_SETTINGS). */
  getSettings(workspaceId: string): Promise<DecisionSettings | null>;
  putSettings(workspaceId: string, settings: DecisionSettings, at: EpochMs): Promise<void>;
  /** The profile's counters; null when it has none. `profileId` is the live profile's id. */
  getCounters(workspaceId: string, profileId: string): Promise<ExposureCounters | null>;
  /**
   * Replaces the profile's counters (`record.profileId` is the live profile's id). Throws (nothing
   * written) when the counters serialise to more than MAX_COUNTERS_BYTES.
   */
  putCounters(workspaceId: string, record: StoredCounters): Promise<void>;
  /** The counters kept under any of these profile ids (a person and the profiles merged into it), for the export. */
  countersOf(workspaceId: string, profileIds: readonly string[]): Promise<StoredCounters[]>;
}

/**
 * A change to one person's counters, written with an ingest batch (ChangeSet.exposures) after the
 * batch's merges, so it lands on the record the merges folded together. `profileId` is live.
 */
export type CounterUpdate =
  | { kind: 'exposure'; profileId: string; exposure: Exposure; report?: ReportedAs }
  | { kind: 'dismiss'; profileId: string; slotId: string; at: EpochMs; report?: ReportedAs & { variantId: string } }
  | { kind: 'event'; profileId: string; name: string; at: EpochMs }
  /** A click on a slot's variant: changes no counter, counts in the slot report. */
  | { kind: 'click'; profileId: string; slotId: string; at: EpochMs; report: ReportedAs & { variantId: string } }
  /** A slot's goal event: converts the person's latest view of the slot when within `withinMs` (core recordGoal). */
  | { kind: 'goal'; profileId: string; slotId: string; at: EpochMs; withinMs: number; report: ReportedAs };

/**
 * How an update counts in the slot reports (ports/slot-report-store.ts): the local day, and the
 * rule and depth the event said (absent: taken from the person's latest view, else `unknown`).
 * Updates without `report` count in no report.
 */
export interface ReportedAs {
  day: string;
  ruleId?: string;
  depth?: string;
}

/** Serialises a counters record, refusing one over the bound (shared by both adapters). */
export function serialiseCounters(counters: ExposureCounters): string {
  const json = JSON.stringify(counters);
  if (Buffer.byteLength(json) > MAX_COUNTERS_BYTES) throw new Error(`exposure counters of ${Buffer.byteLength(json)} bytes exceed ${MAX_COUNTERS_BYTES}`);
  return json;
}
