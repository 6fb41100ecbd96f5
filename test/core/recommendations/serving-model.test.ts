/** Serving models (similarity measures) and the validation split used to choose one (no test item leaks into it). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logScore } from '../../../src/core/recommendations/decay.js';
import { splitLeaveLastOut, splitValidation } from '../../../src/core/recommendations/evaluate.js';
import { popularityPrior, servingModelName, similarityOf, PREVIOUS_SERVING_MODEL, type ServingModel } from '../../../src/core/recommendations/serving-model.js';
import type { Interaction } from '../../../src/core/recommendations/co-occurrence.js';
import { selectServingModel, candidateModels } from '../../../src/recommendations/select-serving-model.js';
import type { ServingEvaluationResult } from '../../../src/recommendations/evaluate-serving.js';

const H = 90 * 86_400_000;
const at = Date.UTC(2026, 0, 1);
// C(X, Y) = 3, N(X) = 5, N(Y) = 12, all added at `at`.
const [c, nx, ny] = [3, 5, 12].map((w) => logScore(w, at, H)) as [number, number, number];
const model = (m: Partial<ServingModel>): ServingModel => ({ ...PREVIOUS_SERVING_MODEL, ...m });

test('cosine, conditional probability with shrinkage and Jaccard from decayed counts; the ratios do not depend on the moment', () => {
  const later = at + 40 * 86_400_000;
  assert.ok(Math.abs(similarityOf(model({ similarity: 'cosine' }), c, nx, ny, later, H) - 3 / Math.sqrt(60)) < 1e-9);
  assert.ok(Math.abs(similarityOf(model({ similarity: 'jaccard' }), c, nx, ny, later, H) - 3 / 14) < 1e-9);
  assert.ok(Math.abs(similarityOf(model({ similarity: 'conditional', shrinkage: 0 }), c, nx, ny, at, H) - 3 / 5) < 1e-9);
  // Asymmetric: P(X | Y) = 3 / 12.
  assert.ok(Math.abs(similarityOf(model({ similarity: 'conditional', shrinkage: 0 }), c, ny, nx, at, H) - 3 / 12) < 1e-9);
  // Shrinkage damps an item seen by few people: 3 / (5 + 5).
  assert.ok(Math.abs(similarityOf(model({ similarity: 'conditional', shrinkage: 5 }), c, nx, ny, at, H) - 3 / 10) < 1e-9);
});

test('the validation split never contains the test item nor anything after it; it holds out the new item before', () => {
  const i = (itemId: string, t: number): Interaction => ({ itemId, kind: 'purchase', at: t });
  const person = [i('a', 1), i('b', 2), i('a', 3), i('c', 4), i('b', 5), i('d', 6), i('a', 7)];
  assert.equal(splitLeaveLastOut(person)!.heldOut.itemId, 'd');
  const v = splitValidation(person)!;
  assert.equal(v.heldOut.itemId, 'c');
  assert.deepEqual(v.train.map((x) => x.itemId), ['a', 'b', 'a']);
  assert.equal(splitValidation([i('a', 1), i('b', 2)]), null);
});

test('selection: the best criterion wins only if it beats the previous model on every data set', () => {
  const fake = (dataSet: string, ndcgOf: (m: ServingModel) => number): ServingEvaluationResult & { dataSet: string } => ({
    dataSet, people: 1, items: 1, events: 1, k: 10, strategies: [],
    byModel: candidateModels().map(({ model: m, strategies }) => ({ model: m, strategies: strategies.map((strategy) => ({ strategy, hitRate: 0, ndcg: ndcgOf(m), started: 1 })) })),
  });
  // Jaccard is far better on A but worse than the previous model on B: not chosen; conditional is a bit better on both.
  const score = (onB: boolean) => (m: ServingModel) => m.similarity === 'jaccard' ? (onB ? 0.1 : 0.9) : m.similarity === 'conditional' && m.shrinkage === 5 && m.backfill && m.recencyDivisor === 0 ? 0.35 : 0.3;
  const chosen = selectServingModel([fake('A', score(false)), fake('B', score(true))]).chosen;
  assert.deepEqual(chosen, { similarity: 'conditional', shrinkage: 5, recencyDivisor: 0, backfill: true });
  // Nothing beats it everywhere: the previous model stays.
  assert.deepEqual(selectServingModel([fake('A', score(false)), fake('B', () => 0.3)]).chosen, PREVIOUS_SERVING_MODEL);
});

test('selection: a candidate that only ties on one data set is not chosen, but is named as not worse anywhere', () => {
  const fake = (dataSet: string, ndcgOf: (m: ServingModel) => number): ServingEvaluationResult & { dataSet: string } => ({
    dataSet, people: 1, items: 1, events: 1, k: 10, strategies: [],
    byModel: candidateModels().map(({ model: m, strategies }) => ({ model: m, strategies: strategies.map((strategy) => ({ strategy, hitRate: 0, ndcg: ndcgOf(m), started: 1 })) })),
  });
  const selection = selectServingModel([fake('A', (m) => (m.similarity === 'cosine' && m.backfill && m.recencyDivisor === 4 ? 0.4 : 0.3)), fake('B', () => 0.3)]);
  assert.deepEqual(selection.chosen, PREVIOUS_SERVING_MODEL);
  assert.deepEqual(selection.paretoBetter, { ...PREVIOUS_SERVING_MODEL, backfill: true });
});

test('popularity blend: the prior is the popularity relative to the best-seller (0–1) and the name says β', () => {
  assert.equal(popularityPrior(5, 20), 0.25);
  assert.equal(popularityPrior(20, 20), 1);
  assert.equal(popularityPrior(3, 0), 0);
  assert.equal(servingModelName({ ...PREVIOUS_SERVING_MODEL, popularityWeight: 0.1 }), 'cosine recency=w/4 backfill=off popularity=0.1');
  assert.equal(servingModelName(PREVIOUS_SERVING_MODEL), 'cosine recency=w/4 backfill=off');
});

test('selection: whether each candidate beats the popularity baseline on the validation split of every data set (for information)', () => {
  const fake = (dataSet: string, ndcgOf: (m: ServingModel) => number, popular: number | null): ServingEvaluationResult & { dataSet: string } => ({
    dataSet, people: 1, items: 1, events: 1, k: 10, strategies: [],
    byModel: candidateModels().map(({ model: m, strategies }, n) => ({
      model: m,
      strategies: [
        ...strategies.map((strategy) => ({ strategy, hitRate: ndcgOf(m), ndcg: ndcgOf(m), started: 1 })),
        ...(n === 0 && popular !== null ? [{ strategy: 'popular' as const, hitRate: popular, ndcg: popular, started: 1 }] : []),
      ],
    })),
  });
  const blended = (m: ServingModel) => ((m.popularityWeight ?? 0) > 0 ? 0.5 : 0.3);
  const selection = selectServingModel([fake('A', blended, 0.4), fake('B', () => 0.45, 0.2)]);
  assert.deepEqual(selection.baseline.map((b) => b.figures?.ndcg), [0.4, 0.2]);
  for (const t of selection.table) assert.equal(t.beatsPopularityEverywhere, (t.model.popularityWeight ?? 0) > 0, t.name);
  // Not scored on one data set: unknown.
  assert.ok(selectServingModel([fake('A', blended, 0.4), fake('B', () => 0.45, null)]).table.every((t) => t.beatsPopularityEverywhere === null));
});
