/**
 * Model selection for serving (`npm run eval:recommendations`): the candidate serving models
 * (core/recommendations/serving-model.ts: similarity measure, for-you recency weighting, backfill,
 * popularity blend)
 * are compared on a VALIDATION split of each data set (evaluate-serving.ts `split: 'validation'`:
 * each person's last new item removed, the one before it held out), never on the test split.
 *
 * The criterion: the mean NDCG @k of for-you and also-bought, averaged over the data sets; a
 * candidate replaces the previous model (PREVIOUS_SERVING_MODEL) only if it beats it on that mean
 * on EVERY data set; otherwise the previous one stays. The eval then reports the chosen model on
 * the untouched test split, and DEFAULT_SERVING_MODEL is set to the winner by hand (a code change
 * with its figures in docs/recommendations.md), so serving never depends on a run.
 */
import type { RecommendationKind } from '../core/recommendations/recommend.js';
import { PREVIOUS_SERVING_MODEL, servingModelName, type ServingModel, type SimilarityMeasure } from '../core/recommendations/serving-model.js';
import type { ServingEvaluationResult, StrategyFigures } from './evaluate-serving.js';

const SIMILARITIES: ReadonlyArray<{ similarity: SimilarityMeasure; shrinkage: number }> = [
  { similarity: 'cosine', shrinkage: 0 }, { similarity: 'jaccard', shrinkage: 0 },
  { similarity: 'conditional', shrinkage: 0 }, { similarity: 'conditional', shrinkage: 5 }, { similarity: 'conditional', shrinkage: 20 },
];
const RECENCY = [4, 0];
const BLENDED: ReadonlyArray<{ similarity: SimilarityMeasure; shrinkage: number }> = [{ similarity: 'cosine', shrinkage: 0 }, { similarity: 'conditional', shrinkage: 20 }];
const POPULARITY_WEIGHTS = [0.05, 0.1, 0.2, 0.4];
const SELECTED: readonly RecommendationKind[] = ['for-you', 'also-bought'];

/**
 * The grid, each with the strategies it changes: recency changes only for-you, so also-bought is
 * scored once per similarity and backfill (with the first recency) and shared (`figuresOf`).
 */
export function candidateModels(): Array<{ model: ServingModel; strategies: RecommendationKind[] }> {
  const out: Array<{ model: ServingModel; strategies: RecommendationKind[] }> = [];
  for (const sim of SIMILARITIES) for (const backfill of [false, true]) for (const recencyDivisor of RECENCY) {
    out.push({ model: { ...sim, recencyDivisor, backfill }, strategies: recencyDivisor === RECENCY[0] ? [...SELECTED] : ['for-you'] });
  }
  // Popularity-blended neighbours: the popular items are candidates themselves, so no backfill; the first recency.
  for (const sim of BLENDED) for (const popularityWeight of POPULARITY_WEIGHTS) {
    out.push({ model: { ...sim, recencyDivisor: RECENCY[0]!, backfill: false, popularityWeight }, strategies: [...SELECTED] });
  }
  return out;
}

const same = (a: ServingModel, b: ServingModel) => a.similarity === b.similarity && a.shrinkage === b.shrinkage && a.recencyDivisor === b.recencyDivisor && a.backfill === b.backfill && (a.popularityWeight ?? 0) === (b.popularityWeight ?? 0);

/** for-you and also-bought of a model (also-bought from its sibling with the first recency). */
export function figuresOf(result: ServingEvaluationResult, model: ServingModel): StrategyFigures[] {
  const own = result.byModel.find((m) => same(m.model, model))!;
  const sibling = result.byModel.find((m) => same(m.model, { ...model, recencyDivisor: RECENCY[0]! }))!;
  return SELECTED.map((s) => own.strategies.find((f) => f.strategy === s) ?? sibling.strategies.find((f) => f.strategy === s)!);
}

const meanNdcg = (figures: StrategyFigures[]) => figures.reduce((sum, f) => sum + f.ndcg, 0) / figures.length;

export interface Selection {
  chosen: ServingModel;
  /**
   * For information, not the rule: the best criterion among the candidates not worse than the
   * previous model on any data set and better on at least one (null: none).
   */
  paretoBetter: ServingModel | null;
  /** Per candidate: its validation figures on each data set and the criterion. */
  table: Array<{ model: ServingModel; name: string; perDataSet: Array<{ dataSet: string; figures: StrategyFigures[]; meanNdcg: number }>; criterion: number; beatsPreviousEverywhere: boolean; notWorseAnywhere: boolean; beatsPopularityEverywhere: boolean | null }>;
  /**
   * For information, not the rule: the popularity baseline on the validation split of each data set
   * (null where it was not scored), and per candidate whether its for-you and also-bought beat it
   * (hit rate and NDCG) on every data set: the eval's pass condition, on the validation split.
   */
  baseline: Array<{ dataSet: string; figures: StrategyFigures | null }>;
}

export function selectServingModel(validation: ReadonlyArray<ServingEvaluationResult & { dataSet: string }>): Selection {
  const previous = validation.map((r) => meanNdcg(figuresOf(r, PREVIOUS_SERVING_MODEL)));
  const baseline = validation.map((r) => ({ dataSet: r.dataSet, figures: r.byModel.flatMap((m) => m.strategies).find((f) => f.strategy === 'popular') ?? null }));
  const beatsBaseline = (figures: StrategyFigures[], i: number) => {
    const b = baseline[i]!.figures;
    return b === null ? null : figures.every((f) => f.hitRate > b.hitRate && f.ndcg > b.ndcg);
  };
  const table = candidateModels().map(({ model }) => {
    const perDataSet = validation.map((r) => { const figures = figuresOf(r, model); return { dataSet: r.dataSet, figures, meanNdcg: meanNdcg(figures) }; });
    return {
      model, name: servingModelName(model), perDataSet,
      criterion: perDataSet.reduce((sum, d) => sum + d.meanNdcg, 0) / perDataSet.length,
      beatsPreviousEverywhere: perDataSet.every((d, i) => d.meanNdcg > previous[i]!),
      notWorseAnywhere: perDataSet.every((d, i) => d.meanNdcg >= previous[i]!) && perDataSet.some((d, i) => d.meanNdcg > previous[i]!),
      beatsPopularityEverywhere: baseline.some((b) => b.figures === null) ? null : perDataSet.every((d, i) => beatsBaseline(d.figures, i)),
    };
  }).sort((a, b) => b.criterion - a.criterion);
  const best = table.find((t) => t.beatsPreviousEverywhere);
  return { chosen: best?.model ?? PREVIOUS_SERVING_MODEL, paretoBetter: table.find((t) => t.notWorseAnywhere)?.model ?? null, table, baseline };
}

export function formatSelection(selection: Selection, k: number): string {
  const dataSets = selection.table[0]?.perDataSet.map((d) => d.dataSet) ?? [];
  let out = `\nModel selection on the VALIDATION split (criterion: mean NDCG @${k} of for-you and also-bought, averaged over data sets)\n`;
  out += `${'model'.padEnd(64)}  ${dataSets.map((d) => `${d.slice(0, 18).padEnd(18)} fy-HR  fy-NDCG ab-HR  ab-NDCG`).join('  ')}  criterion  beats previous on all  beats popularity on all\n`;
  const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');
  for (const t of selection.table) {
    out += `${t.name.padEnd(64)}  ${t.perDataSet.map((d) => `${''.padEnd(18)} ${d.figures.map((f) => `${f.hitRate.toFixed(3)}  ${f.ndcg.toFixed(3)}  `).join('')}`).join(' ')} ${t.criterion.toFixed(4)}     ${yesNo(t.beatsPreviousEverywhere).padEnd(21)}  ${yesNo(t.beatsPopularityEverywhere)}\n`;
  }
  if (selection.baseline.every((b) => b.figures !== null)) {
    out += `${'popular (the baseline; the same list for both)'.padEnd(64)}  ${selection.baseline.map((b) => `${''.padEnd(18)} ${[0, 1].map(() => `${b.figures!.hitRate.toFixed(3)}  ${b.figures!.ndcg.toFixed(3)}  `).join('')}`).join(' ')}\n`;
  }
  out += `chosen (beats ${servingModelName(PREVIOUS_SERVING_MODEL)} on every data set, else that one): ${servingModelName(selection.chosen)}\n`;
  out += `for information, not the rule: best of those not worse on any data set and better on one: ${selection.paretoBetter ? servingModelName(selection.paretoBetter) : 'none'}\n`;
  return out;
}
