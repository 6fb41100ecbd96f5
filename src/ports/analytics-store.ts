/**
 * The web-analytics store (issue 18): hourly rollups and visitor sketches kept by the rollup worker
 * (analytics/rollup-worker.ts), fed by ingest (ingest/steps/update-analytics.ts), read by the
 * analytics service.
 *
 * Rollups and sketches hold no identifiers. The open visits (`analytics_visits`) are person-level:
 * keyed by visitor (a profile, or a cookieless visitor of one day), erased with the profile.
 */
import type { OpenVisit } from '../core/analytics/visit.js';
import type { Metrics, RollupDim, Slice, VisitAttributes } from '../core/analytics/dimensions.js';
import type { RollupKey, RollupRow } from '../core/analytics/rollup.js';
import type { TrackedEvent } from '../core/events/event.js';

/** What one flush of the rollup worker writes (ChangeSet.analytics). */
export interface AnalyticsChanges {
  /**
   * The workspace's rollup mark after this write: every event stored with a sequence number up to
   * it is counted in the rollups (analytics/rollup-worker.ts). Absent: unchanged.
   */
  mark?: number;
  /** Added to the rows' sums (a row absent so far starts at zero). */
  rows: RollupRow[];
  /** The rows' sketches, already merged with the stored ones (read by `sketches` in the same transaction). */
  sketches: Array<RollupKey & { sketch: Uint8Array; isNew: boolean }>;
  /** Visits to keep open (replacing the stored state of the visitor). */
  visits: Array<{ visitor: string; profileId: string | null; visit: OpenVisit }>;
  /** Visits opened by profiles in the batch (the person's visit index: start and attributes). */
  personVisits?: ReadonlyArray<{ profileId: string; start: number; attributes: VisitAttributes }>;
  /** Label values admitted under their caps (core/analytics/labels.ts), added to the value registry. */
  values?: ReadonlyArray<{ dim: string; value: string }>;
}

/** What the value registry holds of some (dimension, value) pairs: those known, and each dimension's count. */
export interface KnownValues {
  /** `dim NUL value` of the pairs asked that are registered. */
  known: Set<string>;
  /** How many values each asked dimension has registered (absent: none). */
  counts: Map<string, number>;
}

/** A stored event as the rollup worker reads it back (events whose hits it did not get in memory). */
export interface RollupEvent { seq: number; messageId: string; profileId: string; event: TrackedEvent }

export interface AnalyticsTx {
  /**
   * Ingest's side of the rollup gate, taken by each batch that stores events before it stores them:
   * no flush (`rollupMark`) runs while a batch holding it is uncommitted (PostgreSQL: a shared
   * transaction-level advisory lock per workspace; SQLite has one writer and needs none).
   */
  enterRollupGate(workspaceId: string): Promise<void>;
  /**
   * The rollup worker's side: waits for every batch inside the gate to end and keeps new ones out
   * until the transaction ends, then answers the workspace's rollup mark (0 when none is stored).
   * So every event with a sequence number above the mark that is stored is committed.
   */
  rollupMark(workspaceId: string): Promise<number>;
  /** The events stored after `afterSeq`, in sequence order, at most `limit`: their numbers and message ids only. */
  storedSince(workspaceId: string, afterSeq: number, limit: number): Promise<Array<{ seq: number; messageId: string }>>;
  /** The stored events of these message ids (absent: not stored, or erased), in sequence order. */
  storedEvents(workspaceId: string, messageIds: readonly string[]): Promise<RollupEvent[]>;
  /**
   * The live profile of each of these profile ids: itself, its survivor when it was merged away;
   * absent when it is gone (erased). No lock.
   */
  liveProfileIds(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, string>>;
  /** The stored open visit of each visitor that has one, keyed by visitor. Locks them until the transaction ends. */
  openVisits(workspaceId: string, visitors: readonly string[]): Promise<Map<string, OpenVisit>>;
  /**
   * The stored sketches of the given keys (absent keys have none), keyed by `sketchKey`, locked until
   * the transaction ends. A key absent here is inserted by `apply`; a concurrent insert of the same
   * key fails the transaction with a unique violation, which the store retries (ports/store.ts).
   */
  sketches(workspaceId: string, keys: readonly RollupKey[]): Promise<Map<string, Uint8Array>>;
  /**
   * The registry of label values (labels.ts): which of these pairs are registered, and how many
   * values their dimensions hold. Values are only ever added (AnalyticsChanges.values), never
   * removed but with the workspace, so a value admitted once stays its own row.
   */
  knownValues(workspaceId: string, pairs: ReadonlyArray<{ dim: string; value: string }>): Promise<KnownValues>;
}

export const sketchKey = (k: RollupKey): string => `${k.dim}\u0000${k.hour}\u0000${k.value}\u0000${k.audience}\u0000${k.channel}\u0000${k.device}`;

export interface RollupQuery {
  workspaceId: string;
  dim: RollupDim;
  /** Hour buckets (epoch ms / 3,600,000), from inclusive, to exclusive. */
  fromHour: number;
  toHour: number;
  /** Only rows with these slice values. */
  slices: Partial<Record<Slice, string>>;
  /** Only these values of the dimension (all when absent). */
  values?: readonly string[];
  /** One result per dimension value, or per hour. */
  groupBy: 'value' | 'hour';
}

export interface AnalyticsStore {
  /** Summed metrics per group, in no particular order; groups without rows are absent. */
  sums(query: RollupQuery): Promise<Array<{ group: string; metrics: Metrics }>>;
  /** The stored sketches per group (one per row; the caller merges them). */
  sketches(query: RollupQuery): Promise<Array<{ group: string; sketch: Uint8Array }>>;
  /** Visitors whose last event is at or after `since`, by the page they were last on. */
  realtime(workspaceId: string, since: number): Promise<Array<{ path: string | null; visitors: number }>>;
  /**
   * Deletes the rollups and sketches of hours that began before `before`, and open visits last
   * active before it (retention); answers the rows deleted.
   */
  purge(workspaceId: string, before: number): Promise<number>;
  /**
   * The visits of these profiles that began in [fromMs, toMs), with their attributes (the person's
   * visit index, kept by ingest from schema version 36 on); for a people filter and the export.
   */
  personVisits(workspaceId: string, profileIds: readonly string[], fromMs: number, toMs: number): Promise<Array<{ profileId: string; start: number; attributes: VisitAttributes }>>;
  /** The open visits of these profiles (the person's export). */
  visitsOf(workspaceId: string, profileIds: readonly string[]): Promise<Array<{ profileId: string; visit: OpenVisit }>>;
  /**
   * Profiles with a stored event in [fromMs, toMs), in profile id order after `after`, at most
   * `limit`; `next` is the cursor of the following page, null after the last (analytics/analytics-row-profiles.ts).
   */
  activeProfiles(workspaceId: string, fromMs: number, toMs: number, options: { limit: number; after?: string }): Promise<{ profileIds: string[]; next: string | null }>;
}
