/**
 * The recommendation store (issue 15): the item catalogue, and (for the models) what ingest learns
 * from events. Store.recommendations.
 *
 * Items are aggregates of the workspace, not personal data. A catalogue write replaces the item
 * whole and marks it `catalogue`; stubs learned from events (ChangeSet.recommendations) are
 * inserted only where the id is unknown, so they never overwrite what the catalogue said
 * (core/recommendations/item.ts).
 */
import type { Item, StoredItem } from '../core/recommendations/item.js';
import type { EpochMs } from '../core/time.js';
import type { Family, ItemHistory } from '../core/recommendations/co-occurrence.js';

export type { Item, StoredItem } from '../core/recommendations/item.js';

export interface ItemPage {
  items: StoredItem[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface ItemListQuery {
  limit: number;
  cursor?: string;
  /** Only items carrying this category (exact). */
  category?: string;
  /** Only items of this type. */
  type?: string;
  /** Only catalogue items, or only stubs learned from events. */
  source?: StoredItem['source'];
}

export interface RecommendationStore {
  /**
   * Creates or replaces catalogue items (a stub of the same id becomes a catalogue item, keeping
   * its `createdAt`). Items with the same id in one call: the last wins. All or nothing.
   * Returns how many were new and how many replaced an item.
   */
  putItems(workspaceId: string, items: readonly Item[], at: EpochMs): Promise<{ created: number; replaced: number }>;
  /** Deletes the item (catalogue or stub); false when there was none. What was learned about it stays. */
  deleteItem(workspaceId: string, id: string): Promise<boolean>;
  /** One item, or null. */
  getItem(workspaceId: string, id: string): Promise<StoredItem | null>;
  /** The items of these ids that exist, keyed by id (absent ids are left out). */
  getItems(workspaceId: string, ids: readonly string[]): Promise<Map<string, StoredItem>>;
  /** Items in id order (byte order), filtered; `nextCursor` continues after the last one. */
  listItems(workspaceId: string, query: ItemListQuery): Promise<ItemPage>;
  /** The person's recent items (personal data; exported and erased with them), or null. */
  history(workspaceId: string, profileId: string): Promise<ItemHistory | null>;
  /**
   * profiles.resolve and then history, in one read where the store can (PostgreSQL: one statement,
   * where two round trips queued for the pool per for-you request): the live profile a profile id
   * or identifier names, with their recent items (null when they have none); null when nobody.
   */
  historyOf(workspaceId: string, idOrIdentifier: string): Promise<{ profileId: string; history: ItemHistory | null } | null>;
  /**
   * The items that co-occur with `itemId` in the family, by decayed co-occurrence, highest first,
   * at most `limit`, each with the log scores of the pair and of both items
   * (core/recommendations/co-occurrence.ts: cosineOf). Unknown item: empty.
   */
  neighbours(workspaceId: string, family: Family, itemId: string, limit: number): Promise<Neighbour[]>;
  /**
   * `neighbours` of many items in one read, keyed by item id (items with no neighbour are left
   * out): what the serving index reads ahead of requests (recommendations/serving-index.ts warm).
   */
  neighboursOfMany(workspaceId: string, family: Family, itemIds: readonly string[], limit: number): Promise<Map<string, Neighbour[]>>;
  /** Items by decayed popularity (long half-life) in the family, highest first; `category` filters exactly. */
  popular(workspaceId: string, family: Family, options: { limit: number; category?: string }): Promise<ItemStat[]>;
  /**
   * Views and clicks of recommended lists (core/recommendations/feedback.ts), summed per list,
   * strategy and source over the days `fromDay`..`toDay` (inclusive, UTC days since the epoch:
   * dayOf), ordered by list id, strategy, source. Aggregates: no person in them.
   */
  listReport(workspaceId: string, range: { fromDay: number; toDay: number }): Promise<ListReportRow[]>;
  /** The latest rebuild's progress (`tessera recommendations rebuild`), or null when none ran. */
  rebuildProgress(workspaceId: string): Promise<RebuildProgress | null>;
  /**
   * Starts a rebuild, in one transaction: deletes what was learned from events (co-occurrence,
   * popularity, every person's recent history with its rotation counts, the stubs; catalogue items
   * and the per-list report stay) and stores `progress`. The pages follow as ChangeSets with
   * `itemRebuild` (written with the page).
   */
  startRebuild(workspaceId: string, progress: RebuildProgress): Promise<void>;
}

/** A rebuild of what recommendations learned, from the stored events (recommendations/rebuild-recommendations.ts). */
export interface RebuildProgress {
  /** The last profile id whose events are replayed (profile id order); '' before the first page. */
  cursor: string;
  /** People replayed. */
  processed: number;
  /** When it started: events received later were learned by ingest and are not replayed. */
  startedAt: EpochMs;
  finishedAt: EpochMs | null;
}

/** The UTC day (days since the epoch) of a moment: the grain of the list report. */
export const dayOf = (at: EpochMs): number => Math.floor(at / 86_400_000);

/** One batch's sums for one list × strategy × source × day (written by ingest, added to the row). */
export interface ListStatDelta {
  listId: string;
  strategy: string;
  source: 'tracker' | 'server';
  day: number;
  /** List views (events), items shown in them, clicks, and clicks that told their position with the sum of those positions. */
  views: number;
  impressions: number;
  clicks: number;
  clickPositions: number;
  clickPositionSum: number;
}

export type ListReportRow = Omit<ListStatDelta, 'day'>;

export interface Neighbour { itemId: string; pairScore: number; itemScore: number; otherScore: number }
export interface ItemStat { itemId: string; longScore: number; shortScore: number }
