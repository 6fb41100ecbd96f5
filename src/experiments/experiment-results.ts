/**
 * Live results of a flag experiment (`GET /v1/experiments/{key}/results`): per variation the assigned units, the
 * contaminated ones (left out of the analysis), the conversions of the goal; per treatment against the control
 * (variation 0) the frequentist two-proportion z-test and the Bayesian Beta-binomial comparison; the sample ratio
 * mismatch check over all assigned units against the weights; minimum-sample warnings.
 *
 * Counts come from a query over assignments and stored events on every call (store.conversionCounts): current to
 * the second, with a cost that grows with the number of assigned units (an incrementally kept aggregate is the
 * scalable design, issue 16 §2).
 */
import { TesseraError } from '../core/errors.js';
import { bayesianConversion, type BayesianResult } from '../core/experiments/statistics/bayesian.js';
import { twoProportionZTest, type FrequentistResult } from '../core/experiments/statistics/frequentist.js';
import { checkSampleRatio, type SampleRatioCheck } from '../core/experiments/statistics/sample-ratio.js';
import { sampleWarnings, type SampleWarning } from '../core/experiments/statistics/sample-warnings.js';
import type { ConversionGoal } from '../core/experiments/experiment.js';
import type { Store } from '../ports/store.js';

export interface VariationResult {
  index: number;
  id: string;
  name: string;
  weight: number;
  /** Units assigned (clean and contaminated). */
  units: number;
  contaminated: number;
  /** Units analysed: assigned minus contaminated. */
  analysed: number;
  conversions: number;
  conversionRate: number | null;
  /** Against the control; absent for the control and without a goal. */
  frequentist?: FrequentistResult;
  bayesian?: BayesianResult;
}

export interface ExperimentResults {
  experiment: string;
  status: string;
  goal: ConversionGoal | null;
  variations: VariationResult[];
  sampleRatio: SampleRatioCheck;
  warnings: SampleWarning[];
}

export async function experimentResults(store: Store, workspaceId: string, key: string): Promise<ExperimentResults> {
  const stored = await store.experiments.get(workspaceId, key);
  if (!stored) throw new TesseraError('not_found', { message: `No experiment "${key}".` });
  const { experiment } = stored;
  const counts = await store.experiments.conversionCounts(workspaceId, key, experiment.goal);
  const byIndex = new Map(counts.map((c) => [c.variation, c]));
  const rows = experiment.variations.map((v, index) => {
    const c = byIndex.get(index) ?? { units: 0, contaminated: 0, conversions: 0 };
    const analysed = c.units - c.contaminated;
    return { index, id: v.id, name: v.name, weight: v.weight, units: c.units, contaminated: c.contaminated, analysed, conversions: c.conversions, conversionRate: analysed > 0 ? c.conversions / analysed : null };
  });
  const control = { units: rows[0]!.analysed, conversions: rows[0]!.conversions };
  const variations: VariationResult[] = rows.map((row) => {
    if (row.index === 0 || !experiment.goal) return row;
    const treatment = { units: row.analysed, conversions: row.conversions };
    return { ...row, frequentist: twoProportionZTest(control, treatment), bayesian: bayesianConversion(control, treatment) };
  });
  return {
    experiment: key,
    status: experiment.status,
    goal: experiment.goal,
    variations,
    sampleRatio: checkSampleRatio(rows.map((r) => r.units), rows.map((r) => r.weight)),
    warnings: sampleWarnings(rows.map((r) => (experiment.goal ? { units: r.analysed, conversions: r.conversions } : { units: r.analysed }))),
  };
}
