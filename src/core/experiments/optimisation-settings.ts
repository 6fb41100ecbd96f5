/**
 * The automatic optimisation rule a marketer sets on an experiment (`optimisation`), its validation (every failing
 * field named), and the state the optimiser keeps on the experiment: its conclusion and the monitor's alerts. The
 * rule itself is optimisation.ts.
 */
import type { FieldIssue } from '../errors.js';

export const OPTIMISATION_MODES = ['off', 'rollout', 'bandit'] as const;
export type OptimisationMode = (typeof OPTIMISATION_MODES)[number];
export const DECIDE_BY = ['sequential', 'chanceToWin'] as const;
export type DecideBy = (typeof DECIDE_BY)[number];

export interface OptimisationSettings {
  mode: OptimisationMode;
  decideBy: DecideBy;
  /** `chanceToWin`: the posterior chance to beat the control that decides (0.5 < x < 1). */
  chanceToWin: number;
  /** Clean units every arm needs before anything is decided. */
  minUnitsPerArm: number;
  /** The metric id decided on (default: the first metric, the goal when there is one). */
  metric: string;
}

export const DEFAULT_OPTIMISATION: Omit<OptimisationSettings, 'metric'> = { mode: 'rollout', decideBy: 'sequential', chanceToWin: 0.95, minUnitsPerArm: 100 };

/** What the optimiser did, shown in the results (`conclusion`) and announced by `experiment.concluded`. */
export interface Conclusion {
  /** The winning variation's id and index. */
  winner: { index: number; id: string };
  decidedBy: DecideBy | 'manual';
  metric: string;
  /** The winner's lift over the control on that metric (0 when the control won) and the evidence. */
  lift: number;
  evidence: { interval?: [number, number]; pValue?: number; chanceToWin?: number };
  at: number;
  /** What was changed: `rollout` — decide shows the winner to everyone the experiment reached (slots listed). */
  applied: { kind: 'rollout'; slots: string[] };
}

/** A condition the monitor raised (once per experiment and `code`). */
export interface ExperimentAlert {
  /** `sample_ratio_mismatch`, or `guardrail_breached:<metric>:<variation id>`. */
  code: string;
  kind: 'sample_ratio_mismatch' | 'guardrail_breached';
  at: number;
  message: string;
  metric?: string;
  variation?: string;
  pValue?: number;
  lift?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FIELDS = ['mode', 'decideBy', 'chanceToWin', 'minUnitsPerArm', 'metric'];

/**
 * Validates `optimisation` (absent or null: off). `metricIds` are the experiment's metrics in order (the goal
 * first); `bandit` mode needs the decided metric to be the first, the one the bandit optimises. Every failing
 * field is named.
 */
export function validateOptimisation(v: unknown, metricIds: readonly string[], issues: FieldIssue[]): OptimisationSettings | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) { issues.push({ field: 'optimisation', reason: 'must be an object {mode, decideBy?, chanceToWin?, minUnitsPerArm?, metric?} or null' }); return null; }
  for (const k of Object.keys(v)) if (!FIELDS.includes(k)) issues.push({ field: `optimisation.${k}`, reason: `is not a field here; expected ${FIELDS.join(', ')}` });
  const out: OptimisationSettings = { ...DEFAULT_OPTIMISATION, metric: metricIds[0] ?? '' };
  if (v.mode !== undefined) { if (!OPTIMISATION_MODES.includes(v.mode as OptimisationMode)) issues.push({ field: 'optimisation.mode', reason: `must be one of ${OPTIMISATION_MODES.join(', ')}` }); else out.mode = v.mode as OptimisationMode; }
  if (v.decideBy !== undefined) { if (!DECIDE_BY.includes(v.decideBy as DecideBy)) issues.push({ field: 'optimisation.decideBy', reason: `must be one of ${DECIDE_BY.join(', ')}` }); else out.decideBy = v.decideBy as DecideBy; }
  if (v.chanceToWin !== undefined) {
    if (typeof v.chanceToWin !== 'number' || !Number.isFinite(v.chanceToWin) || v.chanceToWin <= 0.5 || v.chanceToWin >= 1) issues.push({ field: 'optimisation.chanceToWin', reason: 'must be a number above 0.5 and below 1 (for example 0.95)' });
    else out.chanceToWin = v.chanceToWin;
  }
  if (v.minUnitsPerArm !== undefined) {
    if (!Number.isInteger(v.minUnitsPerArm) || (v.minUnitsPerArm as number) < 1 || (v.minUnitsPerArm as number) > 1e9) issues.push({ field: 'optimisation.minUnitsPerArm', reason: 'must be a whole number from 1 to 1000000000' });
    else out.minUnitsPerArm = v.minUnitsPerArm as number;
  }
  if (v.metric !== undefined) {
    if (typeof v.metric !== 'string' || !metricIds.includes(v.metric)) issues.push({ field: 'optimisation.metric', reason: metricIds.length > 0 ? `must be the id of one of the experiment's metrics: ${metricIds.join(', ')}` : 'needs a metric: set goal or metrics' });
    else out.metric = v.metric;
  }
  if (metricIds.length === 0 && out.mode !== 'off') issues.push({ field: 'optimisation', reason: 'needs a metric to decide on: set goal or metrics' });
  if (out.mode === 'bandit' && metricIds.length > 0 && out.metric !== metricIds[0]) issues.push({ field: 'optimisation.metric', reason: `the bandit optimises the first metric (${metricIds[0]}); hand over on that one` });
  return out;
}

/**
 * The variation a concluded experiment rolled out, or null. A rollout shows the winner to everyone the experiment
 * reaches (its targeting and namespace; coverage was a sampling device and no longer limits it), whatever arm
 * they had: the experiment is over, so stickiness ends and nothing more is recorded.
 */
export function rolledOutVariation(experiment: { status: string; conclusion?: Conclusion | null; variations: readonly { id: string }[] }): number | null {
  const c = experiment.conclusion;
  if (experiment.status !== 'concluded' || !c || c.applied.kind !== 'rollout') return null;
  const index = experiment.variations.findIndex((v) => v.id === c.winner.id);
  return index >= 0 ? index : null;
}
