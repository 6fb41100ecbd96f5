/**
 * Backfill: a new or changed segment or computed trait evaluated over the profiles that existed
 * before it. Profiles are processed in id order, in chunks, each chunk in one write transaction
 * through the same re-evaluation as the scheduler (ingest/reevaluate.ts), so entries get the same
 * timeline entries and webhooks as live ones (cause `backfill`). Where the definition reads
 * history (event conditions, computed traits), the chunk's stored events are replayed into the
 * trackers / aggregates it needs first (rebuilt, not added to: a replay is idempotent, and events
 * ingested meanwhile are in the store already).
 *
 * Progress (processed / total, rate, ETA) is stored with the definition after every chunk, so it
 * is visible through the API on every server, and a backfill interrupted by a restart resumes
 * after the last chunk written (`resumeBackfills`).
 */
import type { Logger } from 'pino';
import { rebuildDerived, type Only } from '../core/segments/record-event.js';
import { trackerKeysOf } from '../core/segments/segment.js';
import type { BackfillProgress, DefinitionKind } from '../ports/segment-store.js';
import { reevaluate, type ReevaluateDeps } from '../ingest/reevaluate.js';
import type { SegmentDefinitionsSource } from './segment-definitions.js';
import { computedOf, segmentOf } from './segment-definitions.js';

export const BACKFILL_CHUNK = 500;

export interface BackfillTarget {
  workspaceId: string;
  kind: DefinitionKind;
  id: string;
}

export interface BackfillDeps extends ReevaluateDeps {
  definitions: SegmentDefinitionsSource;
  now: () => number;
  logger?: Logger;
}

export function newProgress(total: number, at: number): BackfillProgress {
  return { state: 'running', total, processed: 0, startedAt: at, updatedAt: at, finishedAt: null, after: null };
}

/** Runs (or resumes) the backfill of one definition to its end; returns the final progress. */
export async function runBackfill(deps: BackfillDeps, target: BackfillTarget, options: { chunk?: number; onProgress?: (p: BackfillProgress) => void; signal?: AbortSignal; restart?: boolean } = {}): Promise<BackfillProgress> {
  const stored = await deps.store.segments.get(target.workspaceId, target.kind, target.id);
  if (!stored) throw new Error(`no ${target.kind} ${target.id} in workspace ${target.workspaceId}`);
  const startedAt = deps.now();
  let progress: BackfillProgress = stored.backfill?.state === 'running' && !options.restart
    ? { ...stored.backfill }
    : newProgress(await deps.store.profiles.count(target.workspaceId), startedAt);
  if (progress.total === 0 || progress.processed === 0) progress.total = await deps.store.profiles.count(target.workspaceId);
  progress.runStartedAt = startedAt;
  progress.runStartProcessed = progress.processed;
  const only: Only = target.kind === 'segment'
    ? { trackers: trackerKeysOf(segmentOf(stored).condition), computed: new Set() }
    : { trackers: new Set(), computed: new Set([computedOf(stored).key]) };
  const needsHistory = only.trackers.size > 0 || only.computed.size > 0;
  deps.definitions.invalidate(target.workspaceId);
  try {
    for (;;) {
      if (options.signal?.aborted) break;
      const ids = await deps.store.segments.profileIds(target.workspaceId, { limit: options.chunk ?? BACKFILL_CHUNK, ...(progress.after ? { after: progress.after } : {}) });
      if (ids.length === 0) break;
      const definitions = await deps.definitions.get(target.workspaceId);
      const now = deps.now();
      await reevaluate(deps, {
        workspaceId: target.workspaceId, profileIds: ids, now, cause: 'backfill',
        prepare: async (batch) => {
          if (!needsHistory) return;
          const history = await batch.tx.segments.eventsByProfile(target.workspaceId, [...batch.profiles.keys()]);
          for (const profile of batch.profiles.values()) rebuildDerived(profile, history.get(profile.id) ?? [], definitions, now, only);
        },
      });
      progress = { ...progress, processed: progress.processed + ids.length, after: ids[ids.length - 1]!, updatedAt: deps.now() };
      if (progress.processed > progress.total) progress.total = progress.processed;
      await deps.store.segments.setBackfill(target.workspaceId, target.kind, target.id, progress);
      options.onProgress?.(progress);
    }
    if (!options.signal?.aborted) {
      // The kept member count moved with every entry and exit written above; set it exactly once
      // the whole segment has been evaluated (ports/segment-store.ts recountMembers).
      if (target.kind === 'segment') await deps.store.segments.recountMembers(target.workspaceId, target.id);
      progress = { ...progress, state: 'done', total: Math.max(progress.total, progress.processed), finishedAt: deps.now(), updatedAt: deps.now() };
      await deps.store.segments.setBackfill(target.workspaceId, target.kind, target.id, progress);
    }
  } catch (error) {
    progress = { ...progress, state: 'failed', error: (error as Error).message, updatedAt: deps.now() };
    await deps.store.segments.setBackfill(target.workspaceId, target.kind, target.id, progress).catch(() => undefined);
    throw error;
  }
  options.onProgress?.(progress);
  return progress;
}

/** Rate (profiles/s) and ETA (seconds) of a progress, for display. */
export function progressFigures(p: BackfillProgress, now: number): { rate: number | null; etaSeconds: number | null; percent: number } {
  const seconds = ((p.finishedAt ?? now) - (p.runStartedAt ?? p.startedAt)) / 1000;
  const done = p.processed - (p.runStartProcessed ?? 0);
  const rate = seconds > 0 && done > 0 ? done / seconds : null;
  const left = Math.max(0, p.total - p.processed);
  return {
    rate: rate === null ? null : Math.round(rate),
    etaSeconds: p.state !== 'running' ? 0 : rate ? Math.round(left / rate) : null,
    percent: p.total === 0 ? 100 : Math.min(100, Math.round((p.processed / p.total) * 1000) / 10),
  };
}

/**
 * Runs backfills in the background of a server, one at a time per definition: a later change of a
 * definition whose backfill is running restarts it (the running one stops after its chunk).
 */
export class BackfillRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  constructor(private readonly deps: BackfillDeps) {}

  /** `restart`: from the first profile (the definition changed); else resume from the stored progress. */
  start(target: BackfillTarget, restart = true): void {
    const key = `${target.workspaceId}\u0000${target.kind}\u0000${target.id}`;
    const previous = this.running.get(key);
    previous?.controller.abort();
    const controller = new AbortController();
    const done = (previous?.done ?? Promise.resolve())
      .then(() => runBackfill(this.deps, target, { signal: controller.signal, restart }))
      .then(() => undefined, (error: unknown) => this.deps.logger?.error({ err: error, ...target }, 'backfill failed'))
      .finally(() => { if (this.running.get(key)?.controller === controller) this.running.delete(key); });
    this.running.set(key, { controller, done });
  }

  /** Resumes backfills left running (by a stopped server) in every workspace. */
  async resume(workspaceIds: readonly string[]): Promise<void> {
    for (const workspaceId of workspaceIds) {
      for (const d of await this.deps.store.segments.list(workspaceId)) if (d.backfill?.state === 'running') this.start({ workspaceId, kind: d.kind, id: d.id }, false);
    }
  }

  /** Stops after the current chunks; the progress stays `running`, to be resumed. */
  async stop(): Promise<void> {
    for (const r of this.running.values()) r.controller.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Resolves when every backfill started so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
