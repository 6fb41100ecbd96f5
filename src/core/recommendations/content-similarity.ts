/**
 * Content similarity for cold items (issue 15 §2): items nobody has interacted with together yet
 * are compared by what the catalogue says about them. Pure.
 *
 * Each item is a set of labels, its categories and its tags (`c:Tools`, `t:cordless`: a category
 * and a tag of the same word are different labels). Similarity is the Jaccard index of the two
 * sets, |A ∩ B| / |A ∪ B| (Jaccard 1901; Manning, Raghavan, Schütze, Introduction to Information
 * Retrieval, 2008, § 3.3.4). Why Jaccard and not cosine here: the labels are unweighted sets of a
 * few entries each, and Jaccard penalises an item carrying many labels the other lacks, so a
 * catch-all item tagged with everything is not "similar" to everything. Items with no label in
 * common score 0 and are never similar.
 *
 * Used where co-occurrence knows too little: an item with fewer neighbours than the list asks for
 * (also-*: content-similar items fill the list after every co-occurring one), the `similar` kind,
 * and "for you" for recent items with fewer than COLD_NEIGHBOURS neighbours (their content-similar
 * items count at CONTENT_WEIGHT of a co-occurring neighbour).
 */
import type { StoredItem } from './item.js';

/** A recent item with fewer neighbours than this is cold for "for you". */
export const COLD_NEIGHBOURS = 3;
/** The weight of a content-similar item against a co-occurring neighbour of the same similarity. */
export const CONTENT_WEIGHT = 0.5;

export function labelsOf(item: Pick<StoredItem, 'categories' | 'tags'>): Set<string> {
  return new Set([...item.categories.map((c) => `c:${c}`), ...item.tags.map((t) => `t:${t}`)]);
}

/** Jaccard index of two label sets; 0 when either is empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The candidates most similar to `item` (itself left out), best first, ties by id; only similarity > 0. */
export function mostSimilar(item: StoredItem, candidates: Iterable<StoredItem>, limit: number): Array<{ item: StoredItem; similarity: number; shared: number }> {
  const mine = labelsOf(item);
  const out: Array<{ item: StoredItem; similarity: number; shared: number }> = [];
  for (const c of candidates) {
    if (c.id === item.id) continue;
    const theirs = labelsOf(c);
    const similarity = jaccard(mine, theirs);
    if (similarity > 0) out.push({ item: c, similarity, shared: Math.round(similarity * (mine.size + theirs.size) / (1 + similarity)) });
  }
  return out.sort((a, b) => b.similarity - a.similarity || (a.item.id < b.item.id ? -1 : 1)).slice(0, limit);
}
