/**
 * The experiment definitions of a workspace (admin API): validated on every write (issues name each field), a
 * key created once, and the workspace's experiment settings (the global holdout share).
 */
import { TesseraError } from '../core/errors.js';
import { metricsOf, type Experiment } from '../core/experiments/experiment.js';
import { DEFAULT_HOLDOUT_SHARE, type HoldoutSettings } from '../core/experiments/holdout.js';
import { validateExperimentInput } from '../core/experiments/validate-experiment.js';
import type { ConditionRefs } from '../core/segments/validate-condition.js';
import type { StoredExperiment } from '../ports/experiment-store.js';
import type { Store } from '../ports/store.js';

export interface ExperimentServiceDeps {
  store: Store;
  /** Segment ids, computed traits and purposes a targeting condition may name. */
  refs(workspaceId: string): Promise<ConditionRefs>;
  now: () => number;
  /** Called after a definition is created, changed or deleted (ingest's cached plans: experiment-plans.ts). */
  onChange?: (workspaceId: string) => void;
}

export interface ExperimentSettings extends Required<HoldoutSettings> {}

export interface ExperimentService {
  list(workspaceId: string): Promise<StoredExperiment[]>;
  /** Throws not_found. */
  get(workspaceId: string, key: string): Promise<StoredExperiment>;
  /** Throws invalid_body (every failing field) or conflict (the key exists). */
  create(workspaceId: string, body: unknown): Promise<StoredExperiment>;
  /** Replaces the definition under `key`; throws invalid_body or not_found. */
  update(workspaceId: string, key: string, body: unknown): Promise<StoredExperiment>;
  /** Deletes the experiment and its assignments; throws not_found. */
  delete(workspaceId: string, key: string): Promise<void>;
  settings(workspaceId: string): Promise<ExperimentSettings>;
  /** Throws invalid_body. */
  putSettings(workspaceId: string, body: unknown): Promise<ExperimentSettings>;
}

/** Whether what the aggregates are kept from changed: the metrics (goal included) or the CUPED window. */
export function measuresChanged(before: Experiment, after: Experiment): boolean {
  return canonical(metricsOf(before)) !== canonical(metricsOf(after)) || before.analysis.cupedDays !== after.analysis.cupedDays;
}

/** JSON with object keys sorted: PostgreSQL's jsonb gives a stored definition back with its keys reordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

const notFound = (key: string) => new TesseraError('not_found', { message: `No experiment "${key}".` });

export function createExperimentService(deps: ExperimentServiceDeps): ExperimentService {
  const validated = async (workspaceId: string, body: unknown, key?: string): Promise<Experiment> => {
    const checked = validateExperimentInput(body, await deps.refs(workspaceId), key === undefined ? {} : { key });
    if (!checked.ok) throw new TesseraError('invalid_body', { issues: checked.issues });
    return checked.experiment;
  };
  const get = async (workspaceId: string, key: string) => {
    const found = await deps.store.experiments.get(workspaceId, key);
    if (!found) throw notFound(key);
    return found;
  };
  return {
    list: (workspaceId) => deps.store.experiments.list(workspaceId),
    get,
    async create(workspaceId, body) {
      const experiment = await validated(workspaceId, body);
      const now = deps.now();
      const stored = { workspaceId, experiment, createdAt: now, updatedAt: now, metricsGeneration: 0 };
      if (!(await deps.store.experiments.create(stored))) throw new TesseraError('conflict', { message: `An experiment "${experiment.key}" exists.`, issues: [{ field: 'key', reason: 'is used by another experiment' }] });
      deps.onChange?.(workspaceId);
      return stored;
    },
    async update(workspaceId, key, body) {
      const before = await get(workspaceId, key);
      const input = await validated(workspaceId, body, key);
      // The optimiser's state is not input: the alerts stay, the conclusion while the experiment stays concluded.
      const experiment = { ...input, conclusion: input.status === 'concluded' ? (before.experiment.conclusion ?? null) : null, alerts: before.experiment.alerts ?? [] };
      // Changed metrics (or CUPED window) start a new generation of aggregates: units are counted again from it,
      // and `tessera experiments recompute` fills it from stored events (docs/experiments.md).
      const generation = before.metricsGeneration + (measuresChanged(before.experiment, experiment) ? 1 : 0);
      const stored = { workspaceId, experiment, createdAt: before.createdAt, updatedAt: deps.now(), metricsGeneration: generation };
      if (!(await deps.store.experiments.update(stored))) throw notFound(key);
      deps.onChange?.(workspaceId);
      return stored;
    },
    async delete(workspaceId, key) {
      if (!(await deps.store.experiments.delete(workspaceId, key))) throw notFound(key);
      deps.onChange?.(workspaceId);
    },
    async settings(workspaceId) {
      const saved = (await deps.store.configs.get(workspaceId, 'experiments')) as HoldoutSettings | null;
      return { holdoutShare: saved?.holdoutShare ?? DEFAULT_HOLDOUT_SHARE };
    },
    async putSettings(workspaceId, body) {
      const isObj = typeof body === 'object' && body !== null && !Array.isArray(body);
      const issues = !isObj ? [{ field: 'body', reason: 'must be a JSON object {holdoutShare}' }] : [
        ...Object.keys(body).filter((k) => k !== 'holdoutShare').map((k) => ({ field: k, reason: 'is not an experiment setting; expected holdoutShare' })),
      ];
      const share = isObj ? (body as Record<string, unknown>).holdoutShare : undefined;
      if (isObj && (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 0.5)) issues.push({ field: 'holdoutShare', reason: 'must be a number from 0 (no holdout) to 0.5' });
      if (issues.length > 0) throw new TesseraError('invalid_body', { issues });
      const settings = { holdoutShare: share as number };
      await deps.store.configs.put(workspaceId, 'experiments', settings, deps.now());
      return settings;
    },
  };
}
