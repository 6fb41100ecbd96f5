/**
 * Ranking metrics of the offline evaluation (issue 15 §4), pure, for one held-out item per person
 * (leave-last-out):
 *   - hit @k: 1 when the held-out item is among the first k of the list, else 0 (the mean over
 *     people is the hit rate; with one relevant item it equals recall @k);
 *   - NDCG @k: the discounted gain 1 / log2(rank + 1) of the held-out item at its 1-based rank
 *     (0 past k), divided by the ideal DCG, which with one relevant item is 1 / log2(2) = 1.
 * (Järvelin, Kekäläinen, "Cumulated gain-based evaluation of IR techniques", ACM TOIS 2002; with
 * binary relevance as in He et al., "Neural Collaborative Filtering", WWW 2017, §4.1.)
 */

/** 1 when `target` is among the first `k` entries of `list`, else 0. */
export function hitAt(list: readonly string[], target: string, k: number): number {
  const rank = list.indexOf(target);
  return rank >= 0 && rank < k ? 1 : 0;
}

/** NDCG @k with one relevant item: 1 / log2(rank + 1) at its 1-based rank within k, else 0. */
export function ndcgAt(list: readonly string[], target: string, k: number): number {
  const rank = list.indexOf(target);
  return rank >= 0 && rank < k ? 1 / Math.log2(rank + 2) : 0;
}
