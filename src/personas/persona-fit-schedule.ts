/**
 * Refits personas in the background on each workspace's schedule (core/personas/fit-schedule.ts):
 * every `checkEveryMs` (default a minute) it reads, per workspace, the schedule and the stored fit
 * times, and starts a fit through the PersonaFitRunner for each workspace that is due.
 *
 * - Never overlapping: a check does not start while the previous one runs; a workspace whose fit
 *   job is running (saved as running in the store, by this server or another) is skipped; and the
 *   runner answers a running job rather than starting a second one.
 * - Off the event loop: the runner fits in a worker thread (fit-worker.ts), as on demand.
 * - After a restart: the next fit is computed from the times stored (the model's `fittedAt`, the
 *   last job's start), so nothing is lost or doubled by a restart; a fit overdue at start runs at
 *   the first check. A job a restart cut short is run again by the runner's `resume`.
 * - The clock and the timer are injected (`now`, `every`), so tests drive it without waiting.
 *
 * Several servers on one PostgreSQL database: enable the schedule (TESSERA_SEGMENT_SCHEDULER) on one
 * of them, as for the other background schedules; two servers checking the same minute could
 * otherwise both start the workspace's fit (the second fit stores the same model again).
 */
import type { Logger } from 'pino';
import { lastFitTime, nextScheduledFit, savedFitSchedule, type FitSchedule } from '../core/personas/fit-schedule.js';
import type { EpochMs } from '../core/time.js';
import type { Store } from '../ports/store.js';
import type { PersonaFitJob, PersonaFitRunner } from './persona-fit-runner.js';

export interface PersonaFitScheduleDeps {
  store: Store;
  fits: Pick<PersonaFitRunner, 'start' | 'isRunning'>;
  logger: Pick<Logger, 'info' | 'error'>;
  now: () => EpochMs;
  /** Calls `fn` every `ms` until the returned function is called (default: an unref'd setInterval). */
  every?: (fn: () => void, ms: number) => () => void;
  checkEveryMs?: number;
}

export interface FitScheduleState extends FitSchedule {
  /** The last fit stored (model fitted or job started), or null when the workspace never had one. */
  lastFitAt: EpochMs | null;
  /** When the next scheduled fit is due (it runs at the first check from then), or null when none is. */
  nextFitAt: EpochMs | null;
  /** A fit job is running now. */
  running: boolean;
}

/** The workspace's schedule with its stored fit times. */
export async function fitScheduleState(store: Store, workspaceId: string): Promise<FitScheduleState> {
  const [saved, job, fittedAt] = await Promise.all([
    store.configs.get(workspaceId, 'personas-schedule'),
    store.configs.get(workspaceId, 'personas-fit') as Promise<PersonaFitJob | null>,
    store.personas.lastFittedAt(workspaceId),
  ]);
  const schedule = savedFitSchedule(saved);
  const started = job?.startedAt ? Date.parse(job.startedAt) : Number.NaN;
  const lastFitAt = lastFitTime(fittedAt, Number.isFinite(started) ? started : null);
  return { ...schedule, lastFitAt, nextFitAt: nextScheduledFit(schedule, lastFitAt), running: job?.state === 'running' };
}

const defaultEvery = (fn: () => void, ms: number) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export class PersonaFitSchedule {
  private cancel: (() => void) | null = null;
  private checking: Promise<string[]> | null = null;

  constructor(private readonly deps: PersonaFitScheduleDeps) {}

  /** Starts checking every `checkEveryMs`. */
  start(): void {
    if (this.cancel) return;
    const every = this.deps.every ?? defaultEvery;
    this.cancel = every(() => { void this.check(); }, this.deps.checkEveryMs ?? 60_000);
  }

  /**
   * One check of every workspace: starts the fits that are due and answers their workspaces. A
   * check asked for while one runs answers [] (it never overlaps the running one).
   */
  check(): Promise<string[]> {
    if (this.checking) return Promise.resolve([]);
    this.checking = this.checkAll().finally(() => { this.checking = null; });
    return this.checking;
  }

  /** Stops checking and waits for a running check (not for the fits it started: the runner's `stop` does). */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    await this.checking;
  }

  private async checkAll(): Promise<string[]> {
    const started: string[] = [];
    try {
      for (const workspace of await this.deps.store.workspaces.list()) {
        if (this.deps.fits.isRunning(workspace.id)) continue;
        const state = await fitScheduleState(this.deps.store, workspace.id);
        if (state.running || state.nextFitAt === null || this.deps.now() < state.nextFitAt) continue;
        const job = this.deps.fits.start(workspace.id);
        this.deps.logger.info({ workspaceId: workspace.id, jobId: job.id, lastFitAt: state.lastFitAt, fitEveryHours: state.fitEveryHours }, 'scheduled persona fit started');
        started.push(workspace.id);
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'checking the persona fit schedule failed');
    }
    return started;
  }
}
