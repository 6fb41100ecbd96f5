/**
 * Live results of an experiment (`GET /v1/experiments/{key}/results`), read from the aggregates kept at ingest
 * (core/experiments/aggregates.ts): the cost does not grow with the number of units, only with variations ×
 * metrics × days. The analysis is core/experiments/analyse-experiment.ts.
 *
 * For clients of the first version, each variation still carries `conversions` and `conversionRate` of the goal
 * and, for treatments, the two-proportion z-test (`frequentist`) and Beta-binomial comparison (`bayesian`) on it.
 */
import { recentWeightHistory } from '../core/experiments/bandit.js';
import { TesseraError } from '../core/errors.js';
import { analyseExperiment, type AnalysedExperiment } from '../core/experiments/analyse-experiment.js';
import { totals, totalsKey } from '../core/experiments/aggregates.js';
import type { ConversionGoal } from '../core/experiments/experiment.js';
import type { AnalysisSettings } from '../core/experiments/validate-metrics.js';
import { bayesianConversion, bayesianMean, type BayesianResult } from '../core/experiments/statistics/bayesian.js';
import { twoProportionZTest, type FrequentistResult } from '../core/experiments/statistics/frequentist.js';
import type { RecomputeProgress } from '../ports/experiment-store.js';
import type { Store } from '../ports/store.js';
import { toIso } from '../core/time.js';
import type { JsonObject } from '../core/events/event.js';
import type { OptimisationSettings } from '../core/experiments/optimisation-settings.js';
import { alertData, conclusionData } from './experiment-optimiser.js';

export interface VariationResult {
  index: number;
  id: string;
  name: string;
  weight: number;
  /** Units exposed (clean and contaminated). */
  units: number;
  contaminated: number;
  /** Units analysed: exposed minus contaminated. */
  analysed: number;
  /** The goal's conversions and rate (absent without a goal). */
  conversions: number;
  conversionRate: number | null;
  frequentist?: FrequentistResult;
  bayesian?: BayesianResult;
}

export interface ExperimentResults extends Omit<AnalysedExperiment, 'variations'> {
  experiment: string;
  status: string;
  goal: ConversionGoal | null;
  analysis: AnalysisSettings;
  /** The aggregates read: their generation, and whether a recompute of it is pending or running. */
  aggregates: { generation: number; recompute: RecomputeProgress | null; recomputeNeeded: boolean };
  variations: VariationResult[];
  /** The automatic optimisation rule (null: off). */
  optimisation: OptimisationSettings | null;
  /** Set once the optimiser concluded the experiment: the winner, the rule that decided, when, what was applied. */
  conclusion: JsonObject | null;
  /** What the monitor raised (sample ratio mismatch, guardrail breaches), each once, oldest first. */
  alerts: JsonObject[];
  /** Bandits: their settings and the weight history (oldest first). */
  /** `history`: the starting weights and the latest updates (core/experiments/bandit.ts recentWeightHistory); `omitted`: the updates left out between them. */
  bandit?: { settings: NonNullable<import('../core/experiments/experiment.js').Experiment['bandit']>; history: Array<{ at: string; weights: number[]; reason: string }>; omitted: number };
}

export async function experimentResults(store: Store, workspaceId: string, key: string): Promise<ExperimentResults> {
  const stored = await store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('not_found', { message: `No experiment "${key}".` });
  const { experiment, metricsGeneration } = stored;
  const [rows, recompute, history] = await Promise.all([
    store.experiments.aggregates(workspaceId, key, metricsGeneration), store.experiments.recomputeOf(workspaceId, key),
    experiment.bandit ? store.experiments.weightHistory(workspaceId, key) : Promise.resolve([]),
  ]);
  const analysed = analyseExperiment(experiment, rows);
  const all = totals(rows);
  const conversionsOf = (index: number) => (experiment.goal ? all.get(totalsKey(index, 'goal'))?.sum ?? 0 : 0);
  const control = { units: analysed.variations[0]!.units, conversions: conversionsOf(0) };
  const variations: VariationResult[] = analysed.variations.map((v) => {
    const conversions = conversionsOf(v.index);
    const row: VariationResult = {
      index: v.index, id: v.id, name: v.name, weight: v.weight, units: v.units + v.contaminated, contaminated: v.contaminated, analysed: v.units,
      conversions, conversionRate: v.units > 0 ? conversions / v.units : null,
    };
    if (v.index === 0 || !experiment.goal) return row;
    const treatment = { units: v.units, conversions };
    return { ...row, frequentist: twoProportionZTest(control, treatment), bayesian: legacyBayesian(control, treatment) };
  });
  // A changed metric definition started a generation that only a recompute fills with the units before it.
  const recomputeNeeded = metricsGeneration > 0 && (recompute === null || recompute.generation !== metricsGeneration || recompute.finishedAt === null);
  const warnings = recomputeNeeded
    ? [{ variation: 0, code: 'recompute_needed' as const, message: `the metrics changed: units exposed before the change count only after \`tessera experiments recompute ${key}\`` }, ...analysed.warnings]
    : analysed.warnings;
  return {
    experiment: key, status: experiment.status, goal: experiment.goal, analysis: experiment.analysis,
    aggregates: { generation: metricsGeneration, recompute, recomputeNeeded },
    optimisation: experiment.optimisation ?? null, conclusion: experiment.conclusion ? conclusionData(experiment.conclusion) : null, alerts: (experiment.alerts ?? []).map(alertData),
    ...(experiment.bandit ? { bandit: banditAnswer(experiment.bandit, history) } : {}),
    variations, metrics: analysed.metrics, sampleRatio: analysed.sampleRatio, warnings: warnings as AnalysedExperiment['warnings'], series: analysed.series,
  };
}

/**
 * The Beta-binomial comparison by numeric integration costs about 70 ms at 500,000 units per arm (its credible
 * interval inverts an integral by bisection); from 50,000 units per arm on, where both Beta posteriors are normal
 * to within far less than the figures shown, its Gaussian form (bayesianMean on the 0/1 values) is answered.
 */
export const BETA_BINOMIAL_MAX_UNITS = 50_000;

function legacyBayesian(control: { units: number; conversions: number }, treatment: { units: number; conversions: number }): BayesianResult | undefined {
  if (Math.max(control.units, treatment.units) <= BETA_BINOMIAL_MAX_UNITS) return bayesianConversion(control, treatment);
  const asMean = (s: { units: number; conversions: number }) => ({ units: s.units, sum: s.conversions, sumOfSquares: s.conversions });
  return bayesianMean(asMean(control), asMean(treatment)) ?? undefined;
}

/** The results as CSV: one line per metric and variation (treatments with their comparisons; quantile metrics with each arm's quantile and the difference). */
export function resultsCsv(results: ExperimentResults): string {
  const header = ['metric', 'kind', 'guardrail', 'variation', 'units', 'total', 'denominator', 'mean', 'cuped', 'lift', 'lift_lower', 'lift_upper', 'p_value', 'p_value_corrected',
    'sequential_lower', 'sequential_upper', 'sequential_p_value', 'bayes_lift', 'bayes_lower', 'bayes_upper', 'chance_to_win', 'risk_treatment', 'risk_control', 'guardrail_breached',
    'quantile', 'quantile_value', 'quantile_lower', 'quantile_upper', 'quantile_difference', 'quantile_difference_lower', 'quantile_difference_upper', 'quantile_lift', 'quantile_p_value', 'quantile_p_value_corrected'];
  const lines = [header.join(',')];
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const text = String(v);
    // RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula.
    const safe = /^[=+\-@]/.test(text) && typeof v === 'string' ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  for (const m of results.metrics) {
    for (const v of m.variations) {
      const c = v.comparison;
      const q = v.quantile;
      const qc = c?.quantile;
      lines.push([m.id, m.kind, m.guardrail, v.id, v.units, v.total, v.denominator, v.mean, c?.cuped, c?.frequentist?.lift, c?.frequentist?.interval[0], c?.frequentist?.interval[1],
        c?.frequentist?.pValue, c?.frequentist?.pValueCorrected, c?.sequential?.interval[0], c?.sequential?.interval[1], c?.sequential?.pValue,
        c?.bayesian?.lift, c?.bayesian?.interval[0], c?.bayesian?.interval[1], c?.bayesian?.chanceToWin, c?.bayesian?.riskOfChoosingTreatment, c?.bayesian?.riskOfChoosingControl, c?.guardrailBreached,
        q?.q, q?.value, q?.interval[0], q?.interval[1], qc?.difference, qc?.interval[0], qc?.interval[1], qc?.lift, qc?.pValue, qc?.pValueCorrected].map(cell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function banditAnswer(settings: NonNullable<ExperimentResults['bandit']>['settings'], all: ReadonlyArray<{ at: number; weights: number[]; reason: string }>): NonNullable<ExperimentResults['bandit']> {
  const { history, omitted } = recentWeightHistory(all);
  return { settings, history: history.map((h) => ({ at: toIso(h.at), weights: h.weights, reason: h.reason })), omitted };
}
