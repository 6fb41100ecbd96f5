/**
 * Incremental item-to-item co-occurrence and popularity (issue 15 §2), learned as events arrive.
 *
 * Interaction kinds fall into three families, each with its own co-occurrence:
 *   view, click, cart → `viewed` (also-viewed); purchase → `bought` (also-bought); read → `read`.
 *
 * Each person keeps a short recent history (ItemHistory: one entry per item and family, newest
 * first, at most `historyCap`, none older than `historyWindow`). It is personal data: exported,
 * erased and merged with the person; the aggregates below hold no person.
 *
 * When a person interacts with item X in family F and X is not in their history for F (a repeat
 * within the window teaches nothing new, so one person's reloads do not inflate anything):
 *   - N(F, X) += 1   — the decayed number of people who interacted with X (popularity);
 *   - C(F, X, Y) += 1 and C(F, Y, X) += 1 for every Y in their F-history within the window.
 * All weights decay with `halfLife` (decay.ts), so last year's co-purchases fade; N is kept a
 * second time with the short `trendingHalfLife` for trending (recent rate against the baseline).
 *
 * Similarity: cosine over these decayed counts, sim(X, Y) = C(X, Y) / √(N(X)·N(Y)), used only when
 * C(X, Y) ≥ `minSupport`. Why cosine: for implicit, binary "did interact" data it is the measure
 * of Amazon's item-to-item collaborative filtering (Linden, Smith, York, IEEE Internet Computing
 * 2003); unlike a raw co-count it does not recommend the best-sellers next to everything, and
 * unlike Jaccard (C / (N(X) + N(Y) − C)) it does not bury a niche item whose few buyers all bought
 * a popular one. The minimum support keeps two people's coincidence from scoring 1.0. With one
 * half-life for C and N, the cosine does not depend on the moment it is computed.
 */
import type { EpochMs } from '../time.js';
import { addLogScores, logScore } from './decay.js';
import type { InteractionKind } from './interactions.js';
import { mergeShown, recordClicked, type ShownItem } from './rotation.js';

export type { ShownItem } from './rotation.js';

export const FAMILIES = ['viewed', 'bought', 'read'] as const;
export type Family = (typeof FAMILIES)[number];

export const FAMILY_OF: Readonly<Record<InteractionKind, Family>> = { view: 'viewed', click: 'viewed', cart: 'viewed', purchase: 'bought', read: 'read' };

/** How much an interaction says about interest, for "for you" (purchase > add to cart > view). */
export const INTERACTION_WEIGHT: Readonly<Record<InteractionKind, number>> = { purchase: 5, cart: 3, click: 1.5, read: 1, view: 1 };

export interface RecentItem {
  itemId: string;
  /** The strongest kind seen for the item in this family within the window. */
  kind: InteractionKind;
  family: Family;
  at: EpochMs;
}

/** A person's recent items, newest first; `shown`: what recommended lists showed them (rotation.ts). */
export interface ItemHistory {
  items: RecentItem[];
  shown?: ShownItem[];
}

export interface LearningParams {
  historyWindowMs: number;
  historyCap: number;
  /**
   * A new item pairs with at most this many of the newest items of its family in the history (the
   * ingest cost is about 2 × pairCap row updates per new item; docs/performance.md). Absent: all.
   */
  pairCap?: number;
  halfLifeMs: number;
  trendingHalfLifeMs: number;
}

export interface Interaction {
  itemId: string;
  kind: InteractionKind;
  at: EpochMs;
}

/** Increments in log score, per (family, item, other) and per (family, item). */
export interface Learned {
  pairs: Map<string, { family: Family; itemId: string; otherId: string; score: number }>;
  stats: Map<string, { family: Family; itemId: string; long: number; short: number }>;
}

export const emptyLearned = (): Learned => ({ pairs: new Map(), stats: new Map() });

const SEP = '\u0000';

/**
 * Applies one person's interactions (in time order) to their history, adding what they teach to
 * `learned`. Returns the new history. Pure: the input history is not changed.
 */
export function learnFrom(history: ItemHistory | null, interactions: readonly Interaction[], params: LearningParams, learned: Learned): ItemHistory {
  let items = history ? [...history.items] : [];
  let rest: ItemHistory = history ?? { items: [] };
  for (const i of interactions) {
    // A click, an add to cart or a purchase of a shown item is a click on it (rotation.ts).
    if (i.kind !== 'view' && i.kind !== 'read') rest = recordClicked(rest, i.itemId);
    const family = FAMILY_OF[i.kind];
    const fresh = items.filter((r) => i.at - r.at <= params.historyWindowMs);
    const known = fresh.find((r) => r.family === family && r.itemId === i.itemId);
    if (!known) {
      addStat(learned, family, i.itemId, i.at, params);
      let paired = 0;
      // `fresh` is newest first: the cap keeps the pairs with the most recent items.
      for (const other of fresh) {
        if (other.family !== family || other.itemId === i.itemId || other.at > i.at) continue;
        if (params.pairCap !== undefined && paired++ >= params.pairCap) break;
        addPair(learned, family, i.itemId, other.itemId, i.at, params.halfLifeMs);
        addPair(learned, family, other.itemId, i.itemId, i.at, params.halfLifeMs);
      }
    }
    const kind = known && INTERACTION_WEIGHT[known.kind] > INTERACTION_WEIGHT[i.kind] ? known.kind : i.kind;
    const entry: RecentItem = { itemId: i.itemId, kind, family, at: Math.max(i.at, known?.at ?? i.at) };
    items = [entry, ...fresh.filter((r) => r !== known)].sort((a, b) => b.at - a.at).slice(0, params.historyCap);
  }
  return rest.shown?.length ? { items, shown: rest.shown } : { items };
}

/** Two histories of one person after a merge: per (item, family) the newest time and the strongest kind, capped. */
export function mergeHistories(a: ItemHistory, b: ItemHistory, cap: number): ItemHistory {
  const best = new Map<string, RecentItem>();
  for (const r of [...a.items, ...b.items]) {
    const key = `${r.family}${SEP}${r.itemId}`;
    const held = best.get(key);
    if (!held) { best.set(key, r); continue; }
    const newer = r.at > held.at ? r : held;
    const kind = INTERACTION_WEIGHT[r.kind] > INTERACTION_WEIGHT[held.kind] ? r.kind : held.kind;
    best.set(key, { ...newer, kind });
  }
  const items = [...best.values()].sort((x, y) => y.at - x.at).slice(0, cap);
  const shown = mergeShown(a.shown, b.shown);
  return shown ? { items, shown } : { items };
}

function addPair(learned: Learned, family: Family, itemId: string, otherId: string, at: EpochMs, halfLifeMs: number): void {
  const key = `${family}${SEP}${itemId}${SEP}${otherId}`;
  const score = logScore(1, at, halfLifeMs);
  const held = learned.pairs.get(key);
  if (held) held.score = addLogScores(held.score, score);
  else learned.pairs.set(key, { family, itemId, otherId, score });
}

function addStat(learned: Learned, family: Family, itemId: string, at: EpochMs, params: LearningParams): void {
  const key = `${family}${SEP}${itemId}`;
  const long = logScore(1, at, params.halfLifeMs);
  const short = logScore(1, at, params.trendingHalfLifeMs);
  const held = learned.stats.get(key);
  if (held) { held.long = addLogScores(held.long, long); held.short = addLogScores(held.short, short); }
  else learned.stats.set(key, { family, itemId, long, short });
}

/** Cosine of two items from their log scores (pair and both counts, same half-life); independent of time. */
export function cosineOf(pairScore: number, itemScore: number, otherScore: number): number {
  return Math.exp(pairScore - (itemScore + otherScore) / 2);
}
