/**
 * The web-analytics store (issue 18): hourly rollups and visitor sketches kept by ingest in the
 * batch's transaction (ingest/steps/update-analytics.ts), read by the analytics service.
 *
 * Rollups and sketches hold no identifiers. The open visits (`analytics_visits`) are person-level:
 * keyed by visitor (a profile, or a cookieless visitor of one day), erased with the profile.
 */
import type { OpenVisit } from '../core/analytics/visit.js';
import type { Metrics, RollupDim, Slice, VisitAttributes } from '../core/analytics/dimensions.js';
import type { RollupKey, RollupRow } from '../core/analytics/rollup.js';

/** What one ingest batch writes (ChangeSet.analytics). */
export interface AnalyticsChanges {
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

export interface AnalyticsTx {
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
