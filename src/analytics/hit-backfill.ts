/**
 * The hit-key backfill (`tessera analytics backfill`): gives the events stored before schema
 * version 25 their web-analytics hit key (core/analytics/hit-key.ts), so that funnels and retention
 * cover them. Walks the workspace's events without a key in sequence order, a page per
 * transaction: each page's keys and the cursor after it commit together, so an interrupted run
 * resumes after the last page written. Events analytics does not count (identify, email events,
 * bots, …) stay without a key; the cursor passes them. Idempotent: a key is only written where
 * there is none, and ingest keys every new event itself.
 */
import { hitKey } from '../core/analytics/hit-key.js';
import { hitOf } from '../core/analytics/hit-of-event.js';
import type { HitBackfillProgress, HitStore } from '../ports/hit-store.js';

export interface HitBackfillOptions {
  /** Events per page (transaction). */
  chunk: number;
  /** Start from the first event again, even when an earlier run is unfinished. */
  restart?: boolean;
  signal?: AbortSignal;
  /** Stop after this many pages, as an interruption would (tests). */
  stopAfterPages?: number;
  onProgress?: (progress: HitBackfillProgress, total: number) => void;
}

export interface HitBackfillResult { done: boolean; resumed: boolean; progress: HitBackfillProgress; total: number }

export async function backfillHitKeys(deps: { store: { hits: HitStore }; now: () => number }, workspaceId: string, options: HitBackfillOptions): Promise<HitBackfillResult> {
  const hits = deps.store.hits;
  const stored = options.restart ? null : await hits.backfillProgress(workspaceId);
  const resumed = stored !== null && stored.finishedAt === null;
  let progress: HitBackfillProgress = stored && stored.finishedAt === null
    ? stored
    : { cursor: stored?.cursor ?? 0, processed: 0, keyed: 0, startedAt: deps.now(), finishedAt: null };
  const total = progress.processed + await hits.unkeyedCount(workspaceId, progress.cursor);
  options.onProgress?.(progress, total);
  for (let pages = 0; ; pages++) {
    if (options.signal?.aborted || (options.stopAfterPages !== undefined && pages >= options.stopAfterPages)) return { done: false, resumed, progress, total };
    const page = await hits.unkeyed(workspaceId, progress.cursor, options.chunk);
    const keys: Array<{ seq: number; hit: string }> = [];
    for (const { seq, event } of page) {
      const key = hitKey(hitOf(event));
      if (key !== null) keys.push({ seq, hit: key });
    }
    const last = page.length < options.chunk;
    progress = {
      ...progress,
      cursor: page.length > 0 ? page[page.length - 1]!.seq : progress.cursor,
      processed: progress.processed + page.length,
      keyed: progress.keyed + keys.length,
      finishedAt: last ? deps.now() : null,
    };
    await hits.writeKeys(workspaceId, keys, progress);
    options.onProgress?.(progress, total);
    if (last) return { done: true, resumed, progress, total };
  }
}
