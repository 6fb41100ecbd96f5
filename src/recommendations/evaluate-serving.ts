/**
 * The offline evaluation of what is served (`npm run eval:recommendations`, issue 15 §4): every
 * strategy as the API serves it, on a data set of people's item interactions, split leave-last-out
 * (core/recommendations/evaluate.ts `splitLeaveLastOut`: per person, the last interaction with an
 * item they had not met before is held out).
 *
 * Nothing is re-implemented for the evaluation: the catalogue is written to a fresh workspace of a
 * real store, every person's training interactions become the events a shop sends (`Product
 * Viewed`, `Product Clicked`, `Product Added`, `Order Completed`, a `page` with `item_id`) and go
 * through the real ingest pipeline in time order (createProcessBatch: the models learn exactly as
 * in production), and each list comes from the recommendation service (recommendation-service.ts)
 * at the moment of the held-out interaction, with the workspace's settings (the defaults unless
 * the caller saved others). Each list leaves out the items the person already met (for every
 * strategy alike, the baseline included: a held-out item is new to the person) and is cut at k;
 * diversity is off (`maxPerCategory` = the list length) so that the ranking is measured, not the rule.
 *
 * With `split: 'validation'` (model selection, select-serving-model.ts) the test item of each person
 * and what follows it are never learned: the one before it is held out (evaluate.ts splitValidation).
 * With `models`, the same learned store is scored once per serving model (serving-model.ts).
 *
 * Strategies and where they start:
 *   - `for-you`: the person;
 *   - `also-bought` / `also-viewed` / `also-read`: the person's newest training item of that family
 *     (the product page they were last on); a person without one gets an empty list (a miss), so
 *     the figure is over every test person, comparable with the others;
 *   - `similar`: the person's newest training item (content similarity: needs categories or tags);
 *   - `popular` (the baseline) and `trending`: the same list for everyone but the person's own items.
 * Metrics: hit rate @k and NDCG @k (core/recommendations/ranking-metrics.ts), means over test people.
 */
import { randomUUID } from 'node:crypto';
import { FAMILY_OF, type Family, type Interaction } from '../core/recommendations/co-occurrence.js';
import { splitLeaveLastOut, splitValidation } from '../core/recommendations/evaluate.js';
import { hitAt, ndcgAt } from '../core/recommendations/ranking-metrics.js';
import type { Item } from '../core/recommendations/item.js';
import type { RecommendationKind } from '../core/recommendations/recommend.js';
import type { TrackedEvent } from '../core/events/event.js';
import { validateEvent } from '../core/events/validate-event.js';
import { createIdentityGuard } from '../core/identity/identity-key.js';
import { createProcessBatch } from '../ingest/process-batch.js';
import type { Store } from '../ports/store.js';
import { createPrivacyContexts } from '../privacy/privacy-context.js';
import { createRecommendationSettings } from './recommendation-settings.js';
import { createRecommendationService } from './recommendation-service.js';
import { DEFAULT_SERVING_MODEL, type ServingModel } from '../core/recommendations/serving-model.js';

export interface ServingEvaluationInput {
  /** A workspace id not yet in the store: it is created, filled and left for inspection. */
  workspaceId: string;
  /** Each person's interactions, any order. */
  people: ReadonlyArray<readonly Interaction[]>;
  /** The catalogue (titles, categories, tags); items met only in events become stubs. */
  items: readonly Item[];
  strategies: readonly RecommendationKind[];
  k: number;
  /**
   * `test` (default): leave-last-out. `validation`: each person's test item (and what follows it)
   * removed first, then leave-last-out on the rest: the held-out item is the one before, and the
   * test items are never seen (for model selection: select-serving-model.ts).
   */
  split?: 'test' | 'validation';
  /** Serving models to score (each with `strategies`, or its own subset); absent: the default one. */
  models?: ReadonlyArray<{ model: ServingModel; strategies?: readonly RecommendationKind[] }>;
  /** Score every n-th test person only (default 1: all); the learning uses everyone. */
  every?: number;
  onProgress?: (message: string) => void;
}

export interface StrategyFigures {
  strategy: RecommendationKind;
  hitRate: number;
  ndcg: number;
  /** Test people for whom the strategy had a starting point (also-*: an item of its family). */
  started: number;
}

export interface ServingEvaluationResult {
  people: number;
  items: number;
  events: number;
  k: number;
  strategies: StrategyFigures[];
  /** Per entry of `models`, in order (the first one's figures are `strategies` too). */
  byModel: Array<{ model: ServingModel; strategies: StrategyFigures[] }>;
}

const BATCH = 500;
const ALSO_FAMILY: Partial<Record<RecommendationKind, Family>> = { 'also-bought': 'bought', 'also-viewed': 'viewed', 'also-read': 'read' };

export async function evaluateServing(store: Store, input: ServingEvaluationInput): Promise<ServingEvaluationResult> {
  const { workspaceId, k } = input;
  const first = Math.min(...input.people.flatMap((p) => p.map((i) => i.at)));
  await store.workspaces.create({ id: workspaceId, name: 'evaluation', createdAt: first });
  for (let i = 0; i < input.items.length; i += 1000) await store.recommendations.putItems(workspaceId, input.items.slice(i, i + 1000), first);

  const tests: Test[] = [];
  const events: TrackedEvent[] = [];
  const guard = createIdentityGuard();
  input.people.forEach((interactions, n) => {
    const anonymousId = `person-${n}`;
    const outer = splitLeaveLastOut(interactions);
    const split = input.split === 'validation' ? splitValidation(interactions) : outer;
    const train = split ? split.train : outer ? outer.train : interactions;
    for (const i of train) events.push(eventOf(workspaceId, anonymousId, i, guard));
    if (split) tests.push({ anonymousId, train: split.train, heldOut: split.heldOut });
  });
  events.sort((a, b) => a.timestamp - b.timestamp);

  const settings = createRecommendationSettings({ store, now: () => first });
  const processBatch = createProcessBatch({
    guard, newProfileId: () => `prf_${randomUUID()}`, newMessageId: () => `tessera-${randomUUID()}`, recommendations: settings, analytics: false,
  });
  const privacy = await createPrivacyContexts(store, () => first).get(workspaceId);
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    await store.write((tx) => processBatch(tx, workspaceId, batch, privacy));
    if ((i / BATCH) % 20 === 0) input.onProgress?.(`learned ${Math.min(i + BATCH, events.length)} of ${events.length} events`);
  }

  const every = Math.max(1, input.every ?? 1);
  const scored = tests.filter((_, n) => n % every === 0);
  const models = input.models ?? [{ model: DEFAULT_SERVING_MODEL }];
  const byModel: ServingEvaluationResult['byModel'] = [];
  for (const [m, { model, strategies }] of models.entries()) {
    const service = createRecommendationService({ store, settings, model });
    byModel.push({ model, strategies: await scoreStrategies(store, service, { workspaceId, k, tests: scored, strategies: strategies ?? input.strategies, onProgress: (p) => input.onProgress?.(`${models.length > 1 ? `model ${m + 1} of ${models.length}: ` : ''}scored ${p} of ${scored.length} people`) }) });
  }
  return {
    people: scored.length, items: new Set([...input.items.map((i) => i.id), ...input.people.flatMap((p) => p.map((i) => i.itemId))]).size, events: events.length, k,
    strategies: byModel[0]!.strategies, byModel,
  };
}

type Test = { anonymousId: string; train: Interaction[]; heldOut: Interaction };

/** Each strategy's list for each test person at the moment of their held-out interaction, scored. */
async function scoreStrategies(store: Store, service: ReturnType<typeof createRecommendationService>, input: { workspaceId: string; k: number; tests: readonly Test[]; strategies: readonly RecommendationKind[]; onProgress: (people: number) => void }): Promise<StrategyFigures[]> {
  const { workspaceId, k, tests } = input;
  const sums = new Map(input.strategies.map((s) => [s, { hit: 0, ndcg: 0, started: 0 }]));
  for (const [n, t] of tests.entries()) {
    const profileId = await store.profiles.resolve(workspaceId, t.anonymousId);
    const seen = new Set(t.train.map((i) => i.itemId));
    const newest = [...t.train].sort((a, b) => b.at - a.at);
    for (const strategy of input.strategies) {
      const family = ALSO_FAMILY[strategy];
      const start = family ? newest.find((i) => FAMILY_OF[i.kind] === family) : strategy === 'similar' ? newest[0] : undefined;
      if ((family || strategy === 'similar') && !start) continue;
      const limit = Math.min(k + seen.size, 200);
      const served = await service.recommend({
        workspaceId, kind: strategy, profileId, filters: {}, limit, maxPerCategory: limit, locale: 'en', now: t.heldOut.at,
        ...(start ? { itemId: start.itemId } : {}),
      });
      const list = served.map((r) => r.item.id).filter((id) => !seen.has(id)).slice(0, k);
      const sum = sums.get(strategy)!;
      sum.started++;
      sum.hit += hitAt(list, t.heldOut.itemId, k);
      sum.ndcg += ndcgAt(list, t.heldOut.itemId, k);
    }
    if (n % 200 === 199) input.onProgress(n + 1);
  }
  const mean = (x: number) => (tests.length === 0 ? 0 : x / tests.length);
  return input.strategies.map((strategy) => {
    const s = sums.get(strategy)!;
    return { strategy, hitRate: mean(s.hit), ndcg: mean(s.ndcg), started: s.started };
  });
}

/** The event a shop or a site sends for the interaction (Segment's e-commerce spec; a page for a read). */
function eventOf(workspaceId: string, anonymousId: string, i: Interaction, guard: ReturnType<typeof createIdentityGuard>): TrackedEvent {
  const timestamp = new Date(i.at).toISOString();
  const input = i.kind === 'read'
    ? { type: 'page', name: 'Article', anonymousId, properties: { item_id: i.itemId }, timestamp }
    : i.kind === 'purchase'
      ? { type: 'track', event: 'Order Completed', anonymousId, properties: { products: [{ product_id: i.itemId }] }, timestamp }
      : { type: 'track', event: i.kind === 'view' ? 'Product Viewed' : i.kind === 'click' ? 'Product Clicked' : 'Product Added', anonymousId, properties: { product_id: i.itemId }, timestamp };
  const result = validateEvent({ messageId: randomUUID(), ...input }, { workspaceId, receivedAt: i.at, guard, newMessageId: randomUUID });
  if (!result.ok) throw new Error(`evaluation event refused: ${JSON.stringify(result.issues)}`);
  return result.event;
}
