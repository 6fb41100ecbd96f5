/**
 * Persona fits as background jobs (POST /v1/personas/fit, `tessera personas fit`): one job per
 * workspace at a time; asking again while one runs answers the running job. The job's progress is
 * saved in the store (configs kind `personas-fit`) at every phase change and page, so every server
 * sees it; a job cut short by a restart is run again from the start by `resume` — a fit with the
 * same data and seed gives the same model, and assigning again changes nothing the second time.
 *
 * The workspace's feature definition is the `personas` configuration document (validated with
 * core/personas/feature-definition.ts), or the defaults when none was saved.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DEFAULT_FEATURE_DEFINITION, parseFeatureDefinition, type FeatureDefinition } from '../core/personas/feature-definition.js';
import { toIso } from '../core/time.js';
import type { Store } from '../ports/store.js';
import type { PrivacyContexts } from '../privacy/privacy-context.js';
import { fitPersonas, type FitPersonasDeps, type FitPhase } from './fit-personas.js';

export interface PersonaFitJob {
  id: string;
  state: 'running' | 'done' | 'failed';
  phase: FitPhase;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  /** The model version the job stored (done). */
  version: number | null;
  /** Why no model was stored (failed): "no profiles to fit", a too small population, an error. */
  error: string | null;
}

export interface PersonaFitRunnerDeps extends FitPersonasDeps {
  privacy: PrivacyContexts;
  logger: Logger;
}

export class PersonaFitRunner {
  private readonly running = new Map<string, { job: PersonaFitJob; done: Promise<void> }>();

  constructor(private readonly deps: PersonaFitRunnerDeps) {}

  /** Starts a fit of the workspace (or answers the one running). */
  start(workspaceId: string): PersonaFitJob {
    const current = this.running.get(workspaceId);
    if (current) return { ...current.job };
    const job: PersonaFitJob = { id: `fit_${randomUUID()}`, state: 'running', phase: 'sample', done: 0, total: 0, startedAt: toIso(this.deps.now()), finishedAt: null, version: null, error: null };
    const done = this.run(workspaceId, job).finally(() => this.running.delete(workspaceId));
    this.running.set(workspaceId, { job, done });
    return { ...job };
  }

  /** Whether this process runs a fit of the workspace now. */
  isRunning(workspaceId: string): boolean {
    return this.running.has(workspaceId);
  }

  /** The running or last job of the workspace, or null when none ever ran. */
  async progress(workspaceId: string): Promise<PersonaFitJob | null> {
    const current = this.running.get(workspaceId);
    if (current) return { ...current.job };
    return ((await this.deps.store.configs.get(workspaceId, 'personas-fit')) as PersonaFitJob | null) ?? null;
  }

  /** Resolves when the workspace's running job (if any) has ended. */
  async idle(workspaceId: string): Promise<void> {
    await this.running.get(workspaceId)?.done;
  }

  /** Waits for the running jobs to end (server shutdown). */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Runs again the jobs a stopped server left running (call once at start). */
  async resume(workspaceIds: readonly string[]): Promise<void> {
    for (const workspaceId of workspaceIds) {
      const saved = (await this.deps.store.configs.get(workspaceId, 'personas-fit')) as PersonaFitJob | null;
      if (saved?.state === 'running' && !this.running.has(workspaceId)) this.start(workspaceId);
    }
  }

  private async run(workspaceId: string, job: PersonaFitJob): Promise<void> {
    const save = () => this.deps.store.configs.put(workspaceId, 'personas-fit', job, this.deps.now());
    try {
      await save();
      const definition = await featureDefinition(this.deps.store, this.deps.privacy, workspaceId);
      let saving = Promise.resolve();
      const outcome = await fitPersonas(this.deps, {
        workspaceId, definition,
        onProgress: (p) => { Object.assign(job, p); saving = saving.then(save); },
      });
      await saving;
      if (outcome.ok) Object.assign(job, { state: 'done', version: outcome.version });
      else Object.assign(job, { state: 'failed', error: outcome.reason });
    } catch (error) {
      if (error instanceof InvalidDefinition) {
        Object.assign(job, { state: 'failed', error: error.message });
        job.finishedAt = toIso(this.deps.now());
        await save().catch(() => undefined);
        return;
      }
      this.deps.logger.error({ err: error, workspaceId }, 'persona fit failed');
      Object.assign(job, { state: 'failed', error: 'the fit stopped on an internal error (see the server log)' });
    }
    job.finishedAt = toIso(this.deps.now());
    await save().catch((error: unknown) => this.deps.logger.error({ err: error, workspaceId }, 'saving the persona fit progress failed'));
  }
}

/** The saved feature definition of the workspace, validated against its current privacy settings. */
export async function featureDefinition(store: Store, privacy: PrivacyContexts, workspaceId: string): Promise<FeatureDefinition> {
  const saved = await store.configs.get(workspaceId, 'personas');
  if (saved === null || saved === undefined) return DEFAULT_FEATURE_DEFINITION;
  const { settings } = await privacy.get(workspaceId);
  const parsed = parseFeatureDefinition(saved, settings);
  // A definition valid when saved may name a trait marked sensitive since: it is refused now.
  if (!parsed.ok) throw new InvalidDefinition(`the saved persona feature definition is no longer valid: ${parsed.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
  return parsed.definition;
}

/** The saved definition no longer passes validation; the job fails with this message. */
export class InvalidDefinition extends Error {}
