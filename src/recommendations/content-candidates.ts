/**
 * Content-similar items for a cold item (core/recommendations/content-similarity.ts), read from the
 * catalogue: the items sharing one of its first three categories (at most POOL each, by the
 * category index), or, for an item without categories, items of its type. Unavailable ones are
 * left to the rules.
 */
import { mostSimilar } from '../core/recommendations/content-similarity.js';
import type { StoredItem } from '../core/recommendations/item.js';
import type { RecommendationStore } from '../ports/recommendation-store.js';

const POOL = 200;

export async function contentSimilar(recs: Pick<RecommendationStore, 'listItems'>, workspaceId: string, item: StoredItem, limit: number): Promise<Array<{ item: StoredItem; similarity: number; shared: number }>> {
  const pool = new Map<string, StoredItem>();
  const pages = item.categories.length > 0
    ? await Promise.all(item.categories.slice(0, 3).map((category) => recs.listItems(workspaceId, { limit: POOL, category })))
    : item.type !== undefined && item.tags.length > 0 ? [await recs.listItems(workspaceId, { limit: POOL, type: item.type })] : [];
  for (const page of pages) for (const i of page.items) pool.set(i.id, i);
  return mostSimilar(item, pool.values(), limit);
}
