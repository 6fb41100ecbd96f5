/**
 * Offline evaluation of recommendations (issue 15 §4), pure: a leave-last-out split per person.
 *
 * For every person with at least two distinct items, the last interaction with an item they had not
 * met before is held out; everything before it trains the models exactly as ingest does (learnFrom:
 * co-occurrence per family, popularity). Each person then gets two top-k lists, both leaving out
 * the items they already met:
 *   - `item-to-item`: the neighbours (cosine, minimum support) of their newest ten training items,
 *     each weighted by interaction strength (purchase > add to cart > view), filled up with the
 *     popular items when too few (as the for-you service does, without the recency weight);
 *   - `popularity`: the most popular items (decayed people over all families), the baseline.
 * Hit rate @k: the share of people whose held-out item is in their list; NDCG @k: the mean of
 * 1 / log2(rank + 1) of the held-out item (ranking-metrics.ts). With one held-out item per
 * person, recall @k is the same number. Coverage: the share of the trained catalogue (items seen in
 * training) that appears in at least one list. (Leave-last-out and hit rate as in Cremonesi, Koren,
 * Turrin, "Performance of recommender algorithms on top-N recommendation tasks", RecSys 2010.)
 */
import { cosineOf, emptyLearned, FAMILY_OF, INTERACTION_WEIGHT, learnFrom, type Interaction, type ItemHistory, type LearningParams } from './co-occurrence.js';
import { weightAt } from './decay.js';
import { hitAt, ndcgAt } from './ranking-metrics.js';

export interface EvaluationResult {
  people: number;
  catalogue: number;
  k: number;
  strategies: Array<{ strategy: 'item-to-item' | 'popularity'; hitRate: number; recall: number; ndcg: number; coverage: number }>;
}

/**
 * Leave-last-out for one person: the last interaction with an item they had not met before is held
 * out, everything before it is the training part (later repeats of known items are dropped).
 * Null when there is no such interaction (one item only, or nothing but repeats).
 */
export function splitLeaveLastOut(interactions: readonly Interaction[]): { train: Interaction[]; heldOut: Interaction } | null {
  const sorted = [...interactions].sort((a, b) => a.at - b.at);
  const met = new Set<string>();
  let cut = -1;
  sorted.forEach((i, n) => { if (n > 0 && !met.has(i.itemId)) cut = n; met.add(i.itemId); });
  return cut > 0 ? { train: sorted.slice(0, cut), heldOut: sorted[cut]! } : null;
}

/**
 * The validation split for model selection: leave-last-out on what leave-last-out trains on (the
 * test item and everything after it are gone; the held-out item is the previous new one). Null when
 * there is no such item.
 */
export function splitValidation(interactions: readonly Interaction[]): { train: Interaction[]; heldOut: Interaction } | null {
  const outer = splitLeaveLastOut(interactions);
  return outer ? splitLeaveLastOut(outer.train) : null;
}

const SEP = '\u0000';

export function evaluateLeaveLastOut(input: { people: ReadonlyArray<readonly Interaction[]>; params: LearningParams; minSupport: number; k: number }): EvaluationResult {
  const { params, k } = input;
  const learned = emptyLearned();
  const tests: Array<{ history: ItemHistory; seen: Set<string>; heldOut: string }> = [];
  let now = 0;
  for (const raw of input.people) {
    const split = splitLeaveLastOut(raw);
    const train = split ? split.train : [...raw].sort((a, b) => a.at - b.at);
    const seen = new Set<string>();
    for (const i of train) { seen.add(i.itemId); now = Math.max(now, i.at); }
    const history = learnFrom(null, train, params, learned);
    if (split) tests.push({ history, seen, heldOut: split.heldOut.itemId });
  }
  // Popularity over all families, and each item's neighbours by family.
  const popularity = new Map<string, number>();
  const stats = new Map<string, number>();
  for (const s of learned.stats.values()) {
    popularity.set(s.itemId, (popularity.get(s.itemId) ?? 0) + weightAt(s.long, now, params.halfLifeMs));
    stats.set(`${s.family}${SEP}${s.itemId}`, s.long);
  }
  const neighbours = new Map<string, Array<{ itemId: string; cosine: number }>>();
  for (const p of learned.pairs.values()) {
    if (weightAt(p.score, now, params.halfLifeMs) < input.minSupport - 1e-3) continue;
    const key = `${p.family}${SEP}${p.itemId}`;
    const cosine = cosineOf(p.score, stats.get(key)!, stats.get(`${p.family}${SEP}${p.otherId}`)!);
    const list = neighbours.get(key) ?? [];
    list.push({ itemId: p.otherId, cosine });
    neighbours.set(key, list);
  }
  const popular = [...popularity].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  const topPopular = (seen: ReadonlySet<string>, taken: ReadonlySet<string>, n: number) => {
    const out: string[] = [];
    for (const id of popular) { if (out.length >= n) break; if (!seen.has(id) && !taken.has(id)) out.push(id); }
    return out;
  };
  const lists = { 'item-to-item': [] as string[][], popularity: [] as string[][] };
  const hits = { 'item-to-item': 0, popularity: 0 };
  const gains = { 'item-to-item': 0, popularity: 0 };
  for (const t of tests) {
    const scores = new Map<string, number>();
    for (const r of t.history.items.slice(0, 10)) {
      for (const n of neighbours.get(`${FAMILY_OF[r.kind]}${SEP}${r.itemId}`) ?? []) {
        if (!t.seen.has(n.itemId)) scores.set(n.itemId, (scores.get(n.itemId) ?? 0) + INTERACTION_WEIGHT[r.kind] * n.cosine);
      }
    }
    const personal = [...scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([id]) => id);
    const itemToItem = [...personal, ...topPopular(t.seen, new Set(personal), k - personal.length)];
    const baseline = topPopular(t.seen, new Set(), k);
    lists['item-to-item'].push(itemToItem);
    lists.popularity.push(baseline);
    hits['item-to-item'] += hitAt(itemToItem, t.heldOut, k);
    hits.popularity += hitAt(baseline, t.heldOut, k);
    gains['item-to-item'] += ndcgAt(itemToItem, t.heldOut, k);
    gains.popularity += ndcgAt(baseline, t.heldOut, k);
  }
  const catalogue = popularity.size;
  const rate = (n: number) => (tests.length === 0 ? 0 : n / tests.length);
  const coverage = (ls: string[][]) => (catalogue === 0 ? 0 : new Set(ls.flat()).size / catalogue);
  return {
    people: tests.length, catalogue, k,
    strategies: (['item-to-item', 'popularity'] as const).map((strategy) => ({ strategy, hitRate: rate(hits[strategy]), recall: rate(hits[strategy]), ndcg: rate(gains[strategy]), coverage: coverage(lists[strategy]) })),
  };
}
