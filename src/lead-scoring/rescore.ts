/**
 * Re-scoring after a configuration change: every live profile of the workspace, in chunks, goes
 * through a re-evaluation (ingest/reevaluate.ts, cause `config`). With `replay` (scoring rules
 * changed) each profile's engagement is first rebuilt from its stored events under the new rules;
 * fit, lifecycle rules, segments and webhooks then follow as for an event. So a new rule counts
 * past behaviour, and a new lifecycle rule moves the profiles it already applies to.
 *
 * One job per workspace at a time; a change while a job runs restarts it when the current chunk is
 * done. Progress is saved in the store after every chunk (the last profile id done), so a job cut
 * short by a restart or a crash resumes where it was when the server starts again (`resume`);
 * the chunk that was under way is evaluated again, which changes nothing the second time.
 */
import type { Logger } from 'pino';
import { replayEngagement } from '../core/scoring/engagement.js';
import { emptyScores } from '../core/scoring/scores.js';
import { toIso } from '../core/time.js';
import type { DerivedSteps } from '../ingest/process-batch.js';
import { reevaluate } from '../ingest/reevaluate.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import type { LeadScoringSettingsSource } from './lead-scoring-settings.js';

const CHUNK = 200;

export interface RescoreProgress {
  state: 'running' | 'done' | 'failed' | 'stopped';
  /** Whether engagement is rebuilt from stored events (scoring rules changed). */
  replay: boolean;
  processed: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** What the store keeps of a job: its progress and the last profile id done. */
interface SavedJob extends RescoreProgress {
  after: string | null;
}

export interface RescoreDeps {
  store: Store;
  privacy: PrivacyContexts;
  derive: DerivedSteps;
  settings: LeadScoringSettingsSource;
  logger: Logger;
  now: () => number;
}

export class RescoreRunner {
  private readonly jobs = new Map<string, { progress: RescoreProgress; again: boolean | null; done: Promise<void> }>();
  private stopped = false;

  constructor(private readonly deps: RescoreDeps) {}

  /** Starts (or, when one runs, schedules again) the re-scoring of the workspace; returns its progress. */
  start(workspaceId: string, options: { replay: boolean }): RescoreProgress {
    const running = this.jobs.get(workspaceId);
    if (running && running.progress.state === 'running') {
      running.again = (running.again ?? false) || options.replay;
      return running.progress;
    }
    const progress: RescoreProgress = { state: 'running', replay: options.replay, processed: 0, total: 0, startedAt: toIso(this.deps.now()), finishedAt: null, error: null };
    return this.launch(workspaceId, progress, undefined);
  }

  /** Resumes the jobs of these workspaces that a stop or a crash cut short (at server start). */
  async resume(workspaceIds: readonly string[]): Promise<void> {
    for (const workspaceId of workspaceIds) {
      const saved = (await this.deps.store.configs.get(workspaceId, 'rescore')) as SavedJob | null;
      if (saved?.state !== 'running' || this.jobs.get(workspaceId)?.progress.state === 'running') continue;
      const { after, ...progress } = saved;
      this.deps.logger.info({ workspaceId, processed: progress.processed, total: progress.total }, 'resuming re-scoring');
      this.launch(workspaceId, progress, after ?? undefined);
    }
  }

  /** The job's progress: this server's, else the last one saved (null: none ever ran). */
  async progress(workspaceId: string): Promise<RescoreProgress | null> {
    const own = this.jobs.get(workspaceId)?.progress;
    if (own) return own;
    const saved = (await this.deps.store.configs.get(workspaceId, 'rescore')) as SavedJob | null;
    if (!saved) return null;
    const { after: _after, ...progress } = saved;
    return progress;
  }

  /** Resolves when the workspace's job (if any) has finished or stopped. */
  async idle(workspaceId: string): Promise<void> {
    await this.jobs.get(workspaceId)?.done;
  }

  private launch(workspaceId: string, progress: RescoreProgress, after: string | undefined): RescoreProgress {
    const job = { progress, again: null as boolean | null, done: Promise.resolve() };
    job.done = this.run(workspaceId, job, after);
    this.jobs.set(workspaceId, job);
    return progress;
  }

  private save(workspaceId: string, progress: RescoreProgress, after: string | undefined): Promise<void> {
    const saved: SavedJob = { ...progress, after: after ?? null };
    return this.deps.store.configs.put(workspaceId, 'rescore', saved, this.deps.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  private async run(workspaceId: string, job: { progress: RescoreProgress; again: boolean | null }, resumeAfter: string | undefined): Promise<void> {
    const { store, logger } = this.deps;
    const p = job.progress;
    try {
      p.total = Math.max(await store.profiles.count(workspaceId), p.processed);
      let after = resumeAfter;
      await this.save(workspaceId, p, after);
      for (;;) {
        // Stopping leaves the saved job running: the next start resumes it.
        if (this.stopped) { p.state = 'stopped'; return; }
        if (job.again !== null) {
          // The configuration changed again: start over under the new one.
          p.replay ||= job.again;
          job.again = null;
          after = undefined;
          p.processed = 0;
          p.total = await store.profiles.count(workspaceId);
        }
        const ids = await store.segments.profileIds(workspaceId, { limit: CHUNK, ...(after ? { after } : {}) });
        if (ids.length === 0) break;
        await this.chunk(workspaceId, ids, p.replay);
        p.processed += ids.length;
        after = ids.at(-1);
        p.total = Math.max(p.total, p.processed);
        await this.save(workspaceId, p, after);
      }
      p.state = 'done';
      p.finishedAt = toIso(this.deps.now());
      await this.save(workspaceId, p, after);
      logger.info({ workspaceId, profiles: p.processed, replay: p.replay }, 'rescoring finished');
    } catch (error) {
      p.state = 'failed';
      p.error = (error as Error).message;
      p.finishedAt = toIso(this.deps.now());
      logger.error({ err: error, workspaceId }, 'rescoring failed');
      await this.save(workspaceId, p, undefined).catch(() => undefined);
    } finally {
      p.finishedAt ??= toIso(this.deps.now());
    }
  }

  private async chunk(workspaceId: string, profileIds: string[], replay: boolean): Promise<void> {
    const now = this.deps.now();
    const { scoring } = await this.deps.settings.get(workspaceId);
    await reevaluate(this.deps, {
      workspaceId, profileIds, now, cause: 'config',
      prepare: async (batch) => {
        if (!replay) return;
        const events = await batch.tx.segments.eventsByProfile(workspaceId, [...batch.profiles.keys()]);
        for (const profile of batch.profiles.values()) {
          if (!profile.scores && scoring.engagement.rules.length === 0) continue;
          const fit = profile.scores?.fit ?? emptyScores(now).fit;
          profile.scores = { ...replayEngagement(events.get(profile.id) ?? [], scoring, now), fit };
        }
      },
    });
  }
}
