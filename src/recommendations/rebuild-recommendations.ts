/**
 * A full rebuild of what recommendations learned (`tessera recommendations rebuild`): the
 * co-occurrence, popularity and trending, every person's recent history with its rotation counts,
 * and the item stubs, from the stored events.
 *
 * Atomic: the rebuild builds a new generation of that state in shadow tables (rec_pairs_next,
 * rec_item_stats_next, rec_history_next: migration 42) while requests keep being served from the
 * live ones, and its last page replaces the live rows with the shadow ones and empties them in its
 * write transaction. So a request sees the old state or the rebuilt one, never a half-built list.
 *
 * A new rebuild empties the shadow tables and stores its progress in one transaction
 * (RecommendationStore.startRebuild); then it walks the people in profile id order, a page per
 * write transaction: their stored events are read as ingest reads them (learn-items.ts
 * collectItemLearning) and written through the same learning code as an ingest batch
 * (ChangeSet.itemLearning with `replay`: into the shadow tables), with the page's progress. A
 * rebuild cut short (an interruption, a restart of the machine) resumes after the last page
 * written; a page is never replayed twice.
 *
 * Events arriving meanwhile: ingest learns them into the live tables as always and, while the
 * rebuild runs, into the shadow ones too. The rebuild replays only events received up to its start,
 * and folds into each person's rebuilt history the one ingest kept for them in the shadow since; so
 * no event counts twice. What is lost: for a person the rebuild had not reached yet, the shadow
 * learned their new events against an empty history (no pairs with their older items). The
 * per-list report (rec_list_stats) is not touched. Item stubs: those no replayed or newly learned
 * event names are deleted at the switch; the others stay as they are.
 *
 * Erasure during a rebuild: the person's events, live history and shadow history are deleted; a
 * page whose events were read before the erasure writes nothing for them (the store keeps only the
 * people still live in the page's transaction, ChangeSet.itemLearning.replay); and the cursor is
 * moved off their id (privacy store). What the person added to the aggregates before the erasure
 * stays only if the page holding them was written before it, as ingest's aggregates keep it.
 */
import type { RebuildProgress } from '../ports/recommendation-store.js';
import type { Store } from '../ports/store.js';
import type { TrackedEvent } from '../core/events/event.js';
import type { RecommendationSettingsSource } from './recommendation-settings.js';
import { collectItemLearning, learningParams } from '../ingest/steps/learn-items.js';
import type { IngestBatch } from '../ingest/ingest-batch.js';

export interface RebuildOptions {
  /** People per transaction. */
  chunk: number;
  signal?: AbortSignal;
  /** Start again even when a rebuild is unfinished. */
  restart?: boolean;
  /** Test hook: stop after this many pages (as an interruption would). */
  stopAfterPages?: number;
  /** Test hook: runs after a page's events are read, before it is written (a concurrent erasure). */
  beforeWrite?: (profileIds: readonly string[]) => Promise<void>;
  onProgress?: (progress: RebuildProgress, total: number) => void;
}

export async function rebuildRecommendations(
  deps: { store: Store; settings: RecommendationSettingsSource; now: () => number },
  workspaceId: string, options: RebuildOptions,
): Promise<{ progress: RebuildProgress; total: number; done: boolean; resumed: boolean }> {
  const { store } = deps;
  let progress = await store.recommendations.rebuildProgress(workspaceId);
  const resumed = progress !== null && progress.finishedAt === null && options.restart !== true;
  if (!resumed) {
    progress = { cursor: '', processed: 0, startedAt: deps.now(), finishedAt: null };
    await store.recommendations.startRebuild(workspaceId, progress);
  }
  let current = progress!;
  const total = Math.max(await store.profiles.count(workspaceId), current.processed);
  const settings = await deps.settings.get(workspaceId);
  const params = learningParams(settings);
  options.onProgress?.(current, total);
  let pages = 0;
  for (;;) {
    if (options.signal?.aborted || (options.stopAfterPages !== undefined && pages >= options.stopAfterPages)) return { progress: current, total, done: false, resumed };
    const ids = await store.segments.profileIds(workspaceId, { limit: options.chunk, ...(current.cursor !== '' ? { after: current.cursor } : {}) });
    const last = ids.length < options.chunk;
    const events = ids.length > 0 ? await store.segments.eventsByProfile(workspaceId, ids) : new Map();
    const assigned: Array<{ event: TrackedEvent; profileId: string }> = [];
    let stubsAt = 0;
    for (const id of ids) {
      for (const event of events.get(id) ?? []) {
        if (event.receivedAt > current.startedAt) continue; // learned by ingest as it arrived
        assigned.push({ event, profileId: id });
        if (event.receivedAt > stubsAt) stubsAt = event.receivedAt;
      }
    }
    const into: Pick<IngestBatch, 'itemStubs' | 'itemInteractions' | 'itemFeedback'> = { itemStubs: new Map(), itemInteractions: [], itemFeedback: [] };
    collectItemLearning(settings, assigned, into);
    if (options.beforeWrite) await options.beforeWrite(ids);
    const next: RebuildProgress = { ...current, cursor: ids.at(-1) ?? current.cursor, processed: current.processed + ids.length, finishedAt: last ? deps.now() : null };
    await store.write(async (tx) => {
      await tx.apply({
        workspaceId, newProfiles: [], merges: [], identities: [], events: [], consents: [], counters: [], profiles: [],
        ...(into.itemStubs.size > 0 ? { itemStubs: [...into.itemStubs.values()] } : {}),
        itemLearning: { params, interactions: into.itemInteractions, feedback: into.itemFeedback, replay: true },
        itemRebuild: { progress: next, stubsAt },
      });
    });
    current = next;
    pages++;
    options.onProgress?.(current, Math.max(total, current.processed));
    if (last) return { progress: current, total: Math.max(total, current.processed), done: true, resumed };
  }
}
