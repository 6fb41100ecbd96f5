/** Items as both stores keep them: the fields besides id in one document, categories also as rows. */
import type { Item, ItemSource, StoredItem } from '../../core/recommendations/item.js';
import type { EpochMs } from '../../core/time.js';
import type { ChangeSet } from '../../ports/store.js';

export type ItemBody = Omit<Item, 'id'>;

export function itemBody(item: Item): ItemBody {
  const { id: _id, ...body } = item;
  return body;
}

export function itemFromRow(r: { workspace_id: string; id: string; source: string; created_at: number | string; updated_at: number | string }, body: ItemBody): StoredItem {
  return { ...body, id: r.id, workspaceId: r.workspace_id, source: r.source as ItemSource, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

/** Cursor of the item list: the last id shown, base64url so that any id travels in a query. */
export const itemCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** The id after which the page starts; '' (before every id) for an absent or unreadable cursor. */
export function afterItem(cursor: string | undefined): string {
  if (!cursor) return '';
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

/** Items with the same id in one call: the last wins. */
export function lastPerId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

/** A stub's creation time: the latest receive time of the batch's events (a ChangeSet carries no clock). */
export function stubTime(c: Pick<ChangeSet, 'events' | 'itemRebuild'>): EpochMs {
  let at = c.itemRebuild?.stubsAt ?? 0;
  for (const e of c.events) if (e.event.receivedAt > at) at = e.event.receivedAt;
  return at;
}
