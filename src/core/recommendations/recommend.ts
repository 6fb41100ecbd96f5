/**
 * Serving rules (issue 15 §2–3), pure: candidates with scores and reasons come in (the service reads
 * them from the models); the business rules pick the list, and each item gets its reason in the
 * person's language.
 *
 * Rules, in order: the current item, items the person bought or read (their recent history),
 * unknown items and unavailable ones are left out; then the filters (category, type, tag, price
 * range) and the filters of the person's segments (settings `segmentFilters`: each one a person is
 * a member of applies too); then diversity (at most `maxPerCategory` items of one category, by the
 * item's first category); best score first, ties by id (deterministic); then rotation: items
 * rotated out for this person (rotation.ts) come only after every other admitted item, in score
 * order, when the list still has room; `limit` items.
 */
import type { Locale } from '../decisions/locale.js';
import type { InteractionKind } from './interactions.js';
import type { StoredItem } from './item.js';

export const RECOMMENDATION_KINDS = ['also-bought', 'also-viewed', 'also-read', 'similar', 'for-you', 'popular', 'trending'] as const;
/** The kinds that start from the current item. */
export const ITEM_KINDS: readonly RecommendationKind[] = ['also-bought', 'also-viewed', 'also-read', 'similar'];
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export type RecommendationReason =
  | { kind: 'bought-with' | 'viewed-with' | 'read-with'; itemId: string }
  | { kind: 'because-you'; itemId: string; interaction: InteractionKind }
  | { kind: 'similar-to'; itemId: string }
  | { kind: 'popular' | 'trending'; category?: string };

export interface ScoredCandidate {
  itemId: string;
  score: number;
  reason: RecommendationReason;
  /** The counts behind the score, for the admin trace. */
  evidence: Record<string, number>;
}

export interface RecommendationFilters {
  category?: string;
  type?: string;
  tag?: string;
  minPrice?: number;
  maxPrice?: number;
}

export interface RuleInput {
  candidates: readonly ScoredCandidate[];
  items: ReadonlyMap<string, StoredItem>;
  /** The current item and what the person bought or read. */
  exclude: ReadonlySet<string>;
  filters: RecommendationFilters;
  /** Filters of the person's segments (settings `segmentFilters`), each applied as well. */
  segmentFilters?: readonly RecommendationFilters[];
  /** Items rotated out for the person (rotation.ts): placed after every other item. */
  rotated?: ReadonlySet<string>;
  maxPerCategory: number;
  limit: number;
}

/** Whether an item passes one set of filters. */
export function passesFilters(item: StoredItem, f: RecommendationFilters): boolean {
  if (f.category !== undefined && !item.categories.includes(f.category)) return false;
  if (f.type !== undefined && item.type !== f.type) return false;
  if (f.tag !== undefined && !item.tags.includes(f.tag)) return false;
  if (f.minPrice !== undefined && (item.price === undefined || item.price < f.minPrice)) return false;
  if (f.maxPrice !== undefined && (item.price === undefined || item.price > f.maxPrice)) return false;
  return true;
}

export function applyRules(input: RuleInput): Array<ScoredCandidate & { item: StoredItem }> {
  const best = new Map<string, ScoredCandidate>();
  for (const c of input.candidates) {
    const held = best.get(c.itemId);
    if (!held || c.score > held.score) best.set(c.itemId, c);
  }
  const sorted = [...best.values()].sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
  const perCategory = new Map<string, number>();
  const out: Array<ScoredCandidate & { item: StoredItem }> = [];
  const rotated = input.rotated ?? new Set<string>();
  const admitted = sorted.flatMap((c) => {
    const item = input.items.get(c.itemId);
    if (!item || !item.available || input.exclude.has(c.itemId)) return [];
    if (!passesFilters(item, input.filters) || !(input.segmentFilters ?? []).every((f) => passesFilters(item, f))) return [];
    return [{ ...c, item }];
  });
  const fresh = admitted.filter((c) => !rotated.has(c.itemId));
  const stale = admitted.filter((c) => rotated.has(c.itemId));
  for (const c of [...fresh, ...stale]) {
    if (out.length >= input.limit) break;
    const category = c.item.categories[0];
    if (category !== undefined) {
      const n = perCategory.get(category) ?? 0;
      if (n >= input.maxPerCategory) continue;
      perCategory.set(category, n + 1);
    }
    out.push(c);
  }
  return out;
}

const VERB: Record<Locale, Record<InteractionKind, string>> = {
  en: { view: 'viewed', click: 'looked at', cart: 'put in your basket', purchase: 'bought', read: 'read' },
  de: { view: 'angesehen haben', click: 'angesehen haben', cart: 'in den Warenkorb gelegt haben', purchase: 'gekauft haben', read: 'gelesen haben' },
};

/** The reason in the person's language; `titleOf` names an item (its title, else its id). */
export function reasonText(reason: RecommendationReason, locale: Locale, titleOf: (id: string) => string): string {
  const de = locale === 'de';
  switch (reason.kind) {
    case 'bought-with': return de ? `Kunden, die „${titleOf(reason.itemId)}“ gekauft haben, kauften auch das` : `Customers who bought "${titleOf(reason.itemId)}" also bought this`;
    case 'viewed-with': return de ? `Oft zusammen mit „${titleOf(reason.itemId)}“ angesehen` : `Often viewed together with "${titleOf(reason.itemId)}"`;
    case 'read-with': return de ? `Wer „${titleOf(reason.itemId)}“ gelesen hat, las auch das` : `Readers of "${titleOf(reason.itemId)}" also read this`;
    case 'because-you': return de ? `Weil Sie „${titleOf(reason.itemId)}“ ${VERB.de[reason.interaction]}` : `Because you ${VERB.en[reason.interaction]} "${titleOf(reason.itemId)}"`;
    case 'similar-to': return de ? `Ähnlich wie „${titleOf(reason.itemId)}“` : `Similar to "${titleOf(reason.itemId)}"`;
    case 'popular': return reason.category ? (de ? `Beliebt in ${reason.category}` : `Popular in ${reason.category}`) : (de ? 'Gerade beliebt' : 'Popular right now');
    case 'trending': return reason.category ? (de ? `Im Trend in ${reason.category}` : `Trending in ${reason.category}`) : (de ? 'Gerade im Trend' : 'Trending now');
  }
}
