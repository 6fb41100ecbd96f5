/**
 * Serving recommendations (issue 15 §2–3): reads the models through the store, scores candidates
 * per kind, and leaves the choice to the core's rules (core/recommendations/recommend.ts).
 *
 * - also-bought / also-viewed / also-read: the item's neighbours in that family by the serving
 *   model's similarity (core/recommendations/serving-model.ts: cosine, conditional probability or
 *   Jaccard; chosen on a validation split)
 *   (co-occurrence.ts), pairs below the minimum support left out.
 * - for-you: the neighbours of the person's recent items, each weighted by how recent the item is
 *   (halving every quarter of the history window) and how strong the interaction was (purchase >
 *   add to cart > view); the reason names the recent item that contributed most. A person with too
 *   few of those gets the popular items of the categories they interacted with, then popular ones.
 * - With the serving model's popularity blend (serving-model.ts `popularityWeight`), also-* and
 *   for-you add β × the candidate's relative popularity to its score, and the popular items are
 *   candidates too (reason: popular).
 * - popular: decayed counts of people (long half-life) over all families; `category` narrows it.
 * - trending: the rate in the short memory against the rate in the long one, among the popular
 *   items; items seen by fewer people than the minimum support in the short memory are left out.
 * - similar: the item's content-similar items (Jaccard over categories and tags,
 *   core/recommendations/content-similarity.ts). Content similarity also fills an also-* list when
 *   the item has fewer neighbours than asked (after every co-occurring one), and blends into
 *   for-you for cold recent items.
 * Person-level rules: rotation (items shown often without a click sink: rotation.ts, from the
 * person's history) and the settings' segment filters for the segments the person is in.
 */
import { FAMILIES, INTERACTION_WEIGHT, type Family, type ItemHistory } from '../core/recommendations/co-occurrence.js';
import { weightAt } from '../core/recommendations/decay.js';
import type { StoredItem } from '../core/recommendations/item.js';
import { COLD_NEIGHBOURS, CONTENT_WEIGHT } from '../core/recommendations/content-similarity.js';
import { rotatedItems } from '../core/recommendations/rotation.js';
import { DEFAULT_SERVING_MODEL, popularityPrior, similarityOf, type ServingModel } from '../core/recommendations/serving-model.js';
import { LRUCache } from 'lru-cache';
import { contentSimilar } from './content-candidates.js';
import { createServingIndex, type ServingIndex } from './serving-index.js';
import { cachedCatalogueReads, cachedPopularReads, createCatalogueGenerations, type CatalogueGenerations } from './list-cache.js';
import { applyRules, reasonText, type RecommendationFilters, type RecommendationKind, type RecommendationReason, type ScoredCandidate } from '../core/recommendations/recommend.js';
import type { CompiledRecommendationSettings } from '../core/recommendations/settings.js';
import type { Locale, LocalizedText } from '../core/decisions/locale.js';
import type { Store } from '../ports/store.js';
import type { RecommendationSettingsSource } from './recommendation-settings.js';
import type { RecommendationLoader } from '../decisions/preview-decision.js';

export interface RecommendRequest {
  workspaceId: string;
  kind: RecommendationKind;
  itemId?: string;
  profileId?: string | null;
  /** The person's recent items when the caller read them with the profile id (RecommendationStore.historyOf); read here otherwise. */
  history?: ItemHistory | null;
  filters: RecommendationFilters;
  limit: number;
  maxPerCategory: number;
  locale: Locale;
  now: number;
}

export interface RecommendedItem {
  item: StoredItem;
  score: number;
  /** `text` in the request's language; `texts` in every language (a slot's explanation). */
  reason: RecommendationReason & { text: string; texts: LocalizedText };
  evidence: Record<string, number>;
}

const NOTHING: ReadonlySet<string> = new Set();
const ALSO: Partial<Record<RecommendationKind, { family: Family; reason: 'bought-with' | 'viewed-with' | 'read-with' }>> = {
  'also-bought': { family: 'bought', reason: 'bought-with' },
  'also-viewed': { family: 'viewed', reason: 'viewed-with' },
  'also-read': { family: 'read', reason: 'read-with' },
};

/**
 * `model`: how co-occurrence is scored (serving-model.ts); the evaluation's selection passes candidates.
 * `listCacheTtlMs`: the popular / trending rows are cached this long, the content candidates'
 * catalogue pages at least CATALOGUE_PAGE_TTL_MS (list-cache.ts; 0: neither is cached); `catalogueGenerations`: bumped by the item
 * service's writes, so that a catalogue change is seen at once.
 * `index`: neighbour lists and items held in memory (serving-index.ts; the server's is told what
 * ingest learned); without it every read goes to the store.
 */
export function createRecommendationService(deps: { store: Store; settings: RecommendationSettingsSource; model?: ServingModel; listCacheTtlMs?: number; catalogueGenerations?: CatalogueGenerations; index?: ServingIndex }) {
  const recs = deps.index ?? createServingIndex(deps.store.recommendations, { maxAgeMs: 0 });
  const store = deps.store.recommendations;
  const generations = deps.catalogueGenerations ?? createCatalogueGenerations();
  const lists = cachedPopularReads(store, { ttlMs: deps.listCacheTtlMs ?? 0 });
  // Catalogue pages move only with catalogue writes, which this process's bump the generation of: held
  // longer than the popular rows (a stub learned from events or another process's write shows within it).
  const catalogue = cachedCatalogueReads(store, { ttlMs: (deps.listCacheTtlMs ?? 0) > 0 ? Math.max(deps.listCacheTtlMs!, CATALOGUE_PAGE_TTL_MS) : 0, generations });
  const model = deps.model ?? DEFAULT_SERVING_MODEL;
  // An item's content-similar items (a Jaccard over a few hundred candidates) depend only on the
  // catalogue: held as long as its pages, under the catalogue generation (a write of this process: new key).
  const similarHeld = (deps.listCacheTtlMs ?? 0) > 0 ? new LRUCache<string, ReturnType<typeof contentSimilar>>({ max: 20_000, ttl: Math.max(deps.listCacheTtlMs!, CATALOGUE_PAGE_TTL_MS) }) : null;
  const similarOf = (workspaceId: string, item: StoredItem, limit: number): ReturnType<typeof contentSimilar> => {
    if (!similarHeld) return contentSimilar(catalogue, workspaceId, item, limit);
    const key = `${workspaceId}\u0000${generations.of(workspaceId)}\u0000${item.id}\u0000${limit}`;
    let held = similarHeld.get(key);
    if (!held) {
      held = contentSimilar(catalogue, workspaceId, item, limit);
      held.catch(() => similarHeld.delete(key));
      similarHeld.set(key, held);
    }
    return held;
  };

  /**
   * The item's `neighbours` best neighbours in the family that are not in `exclude` (for also-*: what the person
   * bought or read, the current item): excluded before the cut, so that a person who bought the first neighbours
   * still gets a full list from the next ones rather than a short one. For-you passes nothing: it sums the
   * neighbours of up to ten recent items and is filled from popularity when short, and taking the cut after the
   * exclusion there let weak neighbours of viewed items outrank the bundle's (planted shop hit rate 1.000 → 0.979,
   * `npm run eval:recommendations`, 2026-12-07).
   */
  const neighboursOf = async (workspaceId: string, family: Family, itemId: string, s: CompiledRecommendationSettings, now: number, exclude: ReadonlySet<string>) => {
    const found = await recs.neighbours(workspaceId, family, itemId, s.settings.neighbours * 3 + Math.min(exclude.size, s.settings.neighbours * 2));
    return found
      .filter((n) => !exclude.has(n.itemId))
      .map((n) => ({ ...n, support: weightAt(n.pairScore, now, s.halfLifeMs), similarity: similarityOf(model, n.pairScore, n.itemScore, n.otherScore, now, s.halfLifeMs) }))
      // A pair seen twice a moment ago weighs 1.99999…: the support is compared within a thousandth.
      .filter((n) => n.support >= s.settings.minSupport - SUPPORT_TOLERANCE)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, s.settings.neighbours);
  };

  const popular = async (workspaceId: string, s: CompiledRecommendationSettings, now: number, options: { limit: number; category?: string; trending?: boolean }): Promise<ScoredCandidate[]> => {
    const sum = new Map<string, { long: number; short: number }>();
    for (const family of FAMILIES) {
      for (const st of await lists.popular(workspaceId, family, { limit: options.limit, ...(options.category !== undefined ? { category: options.category } : {}) })) {
        const held = sum.get(st.itemId) ?? { long: 0, short: 0 };
        held.long += weightAt(st.longScore, now, s.halfLifeMs);
        held.short += weightAt(st.shortScore, now, s.trendingHalfLifeMs);
        sum.set(st.itemId, held);
      }
    }
    const reason = { kind: options.trending ? 'trending' as const : 'popular' as const, ...(options.category !== undefined ? { category: options.category } : {}) };
    return [...sum].flatMap(([itemId, w]) => {
      if (!options.trending) return [{ itemId, score: w.long, reason, evidence: { people: round(w.long) } }];
      if (w.short < s.settings.minSupport - SUPPORT_TOLERANCE) return [];
      // Rates: a decayed count divided by its mean lifetime (half-life / ln 2).
      const ratio = (w.short / s.trendingHalfLifeMs) / (w.long / s.halfLifeMs);
      return [{ itemId, score: ratio, reason, evidence: { recentPeople: round(w.short), people: round(w.long), rateRatio: round(ratio) } }];
    });
  };

  const beta = model.popularityWeight ?? 0;
  /** The blend's prior: relative popularity of each of the `limit` most popular items (one family, or all as `popular` ranks them). */
  const priorOf = async (workspaceId: string, s: CompiledRecommendationSettings, now: number, limit: number, family?: Family): Promise<Map<string, { prior: number; people: number }>> => {
    const rows = family !== undefined
      ? (await lists.popular(workspaceId, family, { limit })).map((r) => ({ itemId: r.itemId, people: weightAt(r.longScore, now, s.halfLifeMs) }))
      : (await popular(workspaceId, s, now, { limit })).map((c) => ({ itemId: c.itemId, people: c.score }));
    const top = Math.max(0, ...rows.map((r) => r.people));
    return new Map(rows.map((r) => [r.itemId, { prior: popularityPrior(r.people, top), people: r.people }]));
  };

  const forYou = async (workspaceId: string, history: ItemHistory | null, s: CompiledRecommendationSettings, request: RecommendRequest): Promise<ScoredCandidate[]> => {
    const now = request.now;
    const recent = (history?.items ?? []).filter((r) => now - r.at <= s.historyWindowMs).slice(0, 10);
    const scores = new Map<string, { score: number; top: number; from: typeof recent[number] }>();
    const add = (itemId: string, part: number, from: typeof recent[number]) => {
      const held = scores.get(itemId);
      if (!held) scores.set(itemId, { score: part, top: part, from });
      else { held.score += part; if (part > held.top) { held.top = part; held.from = from; } }
    };
    const cold: Array<{ r: typeof recent[number]; weight: number }> = [];
    for (const r of recent) {
      const weight = INTERACTION_WEIGHT[r.kind] * (model.recencyDivisor === 0 ? 1 : Math.pow(2, -(now - r.at) / (s.historyWindowMs / model.recencyDivisor)));
      const neighbours = await neighboursOf(workspaceId, r.family, r.itemId, s, now, NOTHING);
      for (const n of neighbours) add(n.itemId, weight * n.similarity, r);
      if (neighbours.length < COLD_NEIGHBOURS) cold.push({ r, weight });
    }
    // Cold recent items (few co-occurrences yet): their content-similar items, at CONTENT_WEIGHT.
    const coldItems = await recs.getItems(workspaceId, cold.slice(0, 3).map((c) => c.r.itemId));
    for (const { r, weight } of cold.slice(0, 3)) {
      const item = coldItems.get(r.itemId);
      if (item) for (const c of await similarOf(workspaceId, item, s.settings.neighbours)) add(c.item.id, weight * CONTENT_WEIGHT * c.similarity, r);
    }
    if (beta > 0) {
      // Popularity-blended: the weighted mean of the similarities, plus β × the relative popularity; the popular items are candidates too.
      const total = recent.reduce((sum, r) => sum + INTERACTION_WEIGHT[r.kind] * (model.recencyDivisor === 0 ? 1 : Math.pow(2, -(now - r.at) / (s.historyWindowMs / model.recencyDivisor))), 0);
      const priors = await priorOf(workspaceId, s, now, Math.max(s.settings.neighbours, request.limit) * 3);
      const out: ScoredCandidate[] = [...new Set([...scores.keys(), ...priors.keys()])].map((itemId) => {
        const v = scores.get(itemId);
        const similarity = v && total > 0 ? v.score / total : 0;
        const p = priors.get(itemId);
        const score = similarity + beta * (p?.prior ?? 0);
        return {
          itemId, score: 1000 + score,
          reason: v ? { kind: 'because-you', itemId: v.from.itemId, interaction: v.from.kind } : { kind: 'popular' },
          evidence: { blended: round(score), similarity: round(similarity), ...(p ? { people: round(p.people) } : {}) },
        };
      });
      return out;
    }
    const out: ScoredCandidate[] = [...scores].map(([itemId, v]) => ({
      itemId, score: 1000 + v.score, reason: { kind: 'because-you', itemId: v.from.itemId, interaction: v.from.kind }, evidence: { blended: round(v.score) },
    }));
    if (model.backfill || out.length < request.limit * 2) {
      // Cold (or backfill): popular in the person's categories (ranked after the personal ones), then popular.
      const items = await recs.getItems(workspaceId, recent.map((r) => r.itemId));
      out.push(...await popularFill(workspaceId, s, now, recent.flatMap((r) => items.get(r.itemId)?.categories.slice(0, 1) ?? []), request.limit * 3));
    }
    return out;
  };

  /** Popular in up to three categories (score 500 + …), then popular (score below 1): below any personal or co-occurrence score. */
  const popularFill = async (workspaceId: string, s: CompiledRecommendationSettings, now: number, categories: readonly string[], limit: number): Promise<ScoredCandidate[]> => {
    const out: ScoredCandidate[] = [];
    for (const category of [...new Set(categories)].slice(0, 3)) for (const c of await popular(workspaceId, s, now, { limit, category })) out.push({ ...c, score: 500 + c.score / 1e6 });
    for (const c of await popular(workspaceId, s, now, { limit })) out.push({ ...c, score: c.score / 1e9 });
    return out;
  };

  /** Content-similar items of the current item, ranked below any co-occurrence score (which is 1 + similarity). */
  const similarTo = async (workspaceId: string, itemId: string, limit: number): Promise<ScoredCandidate[]> => {
    const item = await recs.getItem(workspaceId, itemId);
    if (!item) return [];
    return (await similarOf(workspaceId, item, limit)).map((c) => ({
      itemId: c.item.id, score: c.similarity, reason: { kind: 'similar-to', itemId }, evidence: { jaccard: round(c.similarity), sharedLabels: c.shared },
    }));
  };

  /** Segment filters of the settings that apply to the person (a member of their segment). */
  const segmentFiltersOf = async (workspaceId: string, profileId: string | null | undefined, s: CompiledRecommendationSettings): Promise<RecommendationFilters[]> => {
    if (!profileId || s.settings.segmentFilters.length === 0) return [];
    const profile = await deps.store.profiles.get(workspaceId, profileId);
    const member = profile?.segments?.member ?? {};
    return s.settings.segmentFilters.filter((f) => Object.hasOwn(member, f.segment)).map(({ segment: _segment, ...filters }) => filters);
  };

  // The first request of a workspace starts reading the lists of its most popular items ahead
  // (serving-index.ts warm), in the background.
  const warmed = new Set<string>();
  const warm = (workspaceId: string, s: CompiledRecommendationSettings) => {
    if (!deps.index || warmed.has(workspaceId)) return;
    warmed.add(workspaceId);
    void (async () => {
      for (const family of FAMILIES) {
        const top = await store.popular(workspaceId, family, { limit: WARM_ITEMS });
        await deps.index!.warm(workspaceId, family, top.map((t) => t.itemId), s.settings.neighbours * 3);
      }
    })().catch(() => warmed.delete(workspaceId));
  };

  return {
    async recommend(request: RecommendRequest): Promise<RecommendedItem[]> {
      const s = await deps.settings.get(request.workspaceId);
      warm(request.workspaceId, s);
      const history = request.history !== undefined ? request.history : request.profileId ? await store.history(request.workspaceId, request.profileId) : null;
      const exclude = new Set((history?.items ?? []).filter((r) => r.family === 'bought' || r.family === 'read').map((r) => r.itemId));
      if (request.itemId !== undefined) exclude.add(request.itemId);
      let candidates: ScoredCandidate[];
      const also = ALSO[request.kind];
      if (also) {
        const neighbours = request.itemId === undefined ? [] : await neighboursOf(request.workspaceId, also.family, request.itemId, s, request.now, exclude);
        candidates = neighbours.map((n) => ({
          itemId: n.itemId, score: 1 + n.similarity, reason: { kind: also.reason, itemId: request.itemId! }, evidence: { together: round(n.support), [model.similarity]: round(n.similarity) },
        }));
        // A cold item (fewer neighbours than asked): content-similar items fill the list.
        if (request.itemId !== undefined && candidates.length < request.limit) candidates.push(...await similarTo(request.workspaceId, request.itemId, request.limit * 3));
        if (beta > 0 && request.itemId !== undefined) {
          // Popularity-blended: the neighbours get + β × their relative popularity in the family (from their
          // own counts); the family's popular items are candidates too, with that term only. Content-similar
          // items (above, score < 1) stay after them.
          const priors = await priorOf(request.workspaceId, s, request.now, Math.max(s.settings.neighbours, request.limit) * 3, also.family);
          const top = Math.max(0, ...[...priors.values()].map((p) => p.people));
          const paired = new Map(neighbours.map((n) => [n.itemId, weightAt(n.otherScore, request.now, s.halfLifeMs)]));
          candidates = candidates.map((c) => ({ ...c, score: c.score + (paired.has(c.itemId) ? beta * popularityPrior(paired.get(c.itemId)!, top) : 0) }));
          for (const [itemId, p] of priors) {
            if (itemId !== request.itemId && !paired.has(itemId)) candidates.push({ itemId, score: 1 + beta * p.prior, reason: { kind: 'popular' }, evidence: { people: round(p.people) } });
          }
        }
        // Backfill: then the popular items of the item's categories, then popular (after every other).
        if (model.backfill && request.itemId !== undefined && candidates.length < request.limit + exclude.size) {
          const item = await recs.getItem(request.workspaceId, request.itemId);
          // Below content-similar items (score ≥ 0): −1 + … for the categories' popular items, −2 + … for popular.
          candidates.push(...(await popularFill(request.workspaceId, s, request.now, item?.categories ?? [], request.limit * 3)).map((c) => ({ ...c, score: c.score >= 500 ? -1 + (c.score - 500) : -2 + c.score })));
        }
      } else if (request.kind === 'similar') candidates = request.itemId === undefined ? [] : await similarTo(request.workspaceId, request.itemId, request.limit * 3);
      else if (request.kind === 'for-you') candidates = await forYou(request.workspaceId, history, s, request);
      else candidates = await popular(request.workspaceId, s, request.now, { limit: Math.max(200, request.limit * 5), trending: request.kind === 'trending', ...(request.filters.category !== undefined ? { category: request.filters.category } : {}) });
      const ids = [...new Set([...candidates.map((c) => c.itemId), ...(history?.items ?? []).map((r) => r.itemId), ...(request.itemId !== undefined ? [request.itemId] : [])])];
      const items = await recs.getItems(request.workspaceId, ids);
      const rotated = s.settings.rotationImpressions > 0 ? rotatedItems(history, request.now, { rotationHalfLifeMs: s.rotationHalfLifeMs, threshold: s.settings.rotationImpressions }) : new Set<string>();
      const segmentFilters = await segmentFiltersOf(request.workspaceId, request.profileId, s);
      const picked = applyRules({ candidates, items, exclude, filters: request.filters, segmentFilters, rotated, maxPerCategory: request.filters.category !== undefined ? request.limit : request.maxPerCategory, limit: request.limit });
      const titleOf = (id: string) => items.get(id)?.title ?? id;
      return picked.map((p) => ({
        item: p.item, score: round(p.score), evidence: rotated.has(p.item.id) ? { ...p.evidence, rotated: 1 } : p.evidence,
        reason: { ...p.reason, text: reasonText(p.reason, request.locale, titleOf), texts: { en: reasonText(p.reason, 'en', titleOf), de: reasonText(p.reason, 'de', titleOf) } },
      }));
    },
  };
}

export type RecommendationService = ReturnType<typeof createRecommendationService>;

const round = (n: number) => Math.round(n * 1e4) / 1e4;
const SUPPORT_TOLERANCE = 1e-3;
/** Per family, the most popular items whose neighbour lists are read ahead of their first request (serving-index.ts). */
export const WARM_ITEMS = 5_000;
/** How long content candidates' catalogue pages are held when the list cache is on (list-cache.ts). */
export const CATALOGUE_PAGE_TTL_MS = 30_000;

/** The service as the decision preview loads a slot's recommended items (decisions/preview-decision.ts). */
export function recommendationLoader(service: RecommendationService): RecommendationLoader {
  return async (request) => (await service.recommend({
    workspaceId: request.workspaceId, kind: request.kind as RecommendationKind, profileId: request.profileId, filters: {}, limit: request.limit,
    ...(request.itemId !== undefined ? { itemId: request.itemId } : {}),
    maxPerCategory: request.limit, locale: 'en', now: request.now,
  })).map((r) => ({ itemId: r.item.id, reason: r.reason.texts }));
}
