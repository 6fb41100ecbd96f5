/**
 * The item catalogue service (issue 15 §1): validation by the core, writes through the store.
 * Used by the admin API (http/routes/items.ts) and `tessera items import` (cli/items.ts).
 *
 * A batch is all or nothing: one invalid item refuses the whole batch, naming every failing field
 * by its index (`items[3].price`), so that a caller never has to guess what was stored. The import
 * command is line by line instead: it parses each line, reports the bad ones and puts the good ones.
 */
import { TesseraError, type FieldIssue } from '../core/errors.js';
import { ITEM_LIMITS, itemIdProblem, parseItem, type Item, type StoredItem } from '../core/recommendations/item.js';
import type { ItemListQuery, ItemPage } from '../ports/recommendation-store.js';
import type { CatalogueGenerations } from './list-cache.js';
import type { Store } from '../ports/store.js';

export interface ItemService {
  /** Creates or replaces one item; `created` tells which. Throws invalid_body naming every bad field. */
  put(workspaceId: string, id: string, body: unknown): Promise<{ item: StoredItem; created: boolean }>;
  /** Creates or replaces up to ITEM_LIMITS.batch items, all or nothing. */
  putBatch(workspaceId: string, body: unknown): Promise<{ created: number; replaced: number }>;
  /** Items already parsed (the import); no validation here. */
  putParsed(workspaceId: string, items: readonly Item[]): Promise<{ created: number; replaced: number }>;
  /** Throws not_found when there is no such item. */
  get(workspaceId: string, id: string): Promise<StoredItem>;
  /** Throws not_found when there was no such item. */
  delete(workspaceId: string, id: string): Promise<void>;
  list(workspaceId: string, query: ItemListQuery): Promise<ItemPage>;
}

/** `generations`: bumped after every catalogue write, so that cached content candidates are read again (list-cache.ts). */
export function createItemService(deps: { store: Store; now: () => number; generations?: CatalogueGenerations }): ItemService {
  const store = deps.store.recommendations;
  const bumped = async <T>(workspaceId: string, write: Promise<T>): Promise<T> => {
    try { return await write; } finally { deps.generations?.bump(workspaceId); }
  };
  const items = {
    ...pick(store),
    putItems: (workspaceId: string, list: readonly Item[], at: number) => bumped(workspaceId, store.putItems(workspaceId, list, at)),
    deleteItem: (workspaceId: string, id: string) => bumped(workspaceId, store.deleteItem(workspaceId, id)),
  };
  return {
    async put(workspaceId, id, body) {
      const idProblem = itemIdProblem(id);
      if (idProblem) throw new TesseraError('invalid_query', { message: 'The item id in the path is invalid.', issues: [{ field: 'id', reason: idProblem }] });
      const parsed = parseItem(body, { id });
      if (!parsed.ok) throw new TesseraError('invalid_body', { message: 'The item is invalid; nothing was stored.', issues: parsed.issues });
      const { created } = await items.putItems(workspaceId, [parsed.item], deps.now());
      return { item: (await items.getItem(workspaceId, id))!, created: created === 1 };
    },
    async putBatch(workspaceId, body) {
      const list = batchOf(body);
      const issues: FieldIssue[] = [];
      const parsedItems: Item[] = [];
      list.forEach((entry, i) => {
        const parsed = parseItem(entry, { path: `items[${i}].` });
        if (parsed.ok) parsedItems.push(parsed.item);
        else issues.push(...parsed.issues);
      });
      if (issues.length > 0) throw new TesseraError('invalid_body', { message: 'Some items are invalid; nothing was stored.', issues: issues.slice(0, 100) });
      return items.putItems(workspaceId, parsedItems, deps.now());
    },
    putParsed: (workspaceId, parsed) => items.putItems(workspaceId, parsed, deps.now()),
    async get(workspaceId, id) {
      const item = await items.getItem(workspaceId, id);
      if (!item) throw new TesseraError('not_found', { message: `No item "${id}".` });
      return item;
    },
    async delete(workspaceId, id) {
      if (!(await items.deleteItem(workspaceId, id))) throw new TesseraError('not_found', { message: `No item "${id}".` });
    },
    list: (workspaceId, query) => items.listItems(workspaceId, query),
  };
}

const pick = (store: Store['recommendations']) => ({
  getItem: store.getItem.bind(store), listItems: store.listItems.bind(store),
});

function batchOf(body: unknown): unknown[] {
  const issue = (reason: string) => new TesseraError('invalid_body', { message: 'The batch is invalid; nothing was stored.', issues: [{ field: 'items', reason }] });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TesseraError('invalid_body', { issues: [{ field: 'body', reason: 'must be a JSON object {"items": [...]}' }] });
  const extra = Object.keys(body).filter((k) => k !== 'items');
  if (extra.length > 0) throw new TesseraError('invalid_body', { issues: extra.map((k) => ({ field: k, reason: 'is not a field of a batch; expected items' })) });
  const list = (body as { items?: unknown }).items;
  if (list === undefined) throw issue('is required');
  if (!Array.isArray(list)) throw issue('must be an array of items');
  if (list.length === 0 || list.length > ITEM_LIMITS.batch) throw issue(`must hold 1–${ITEM_LIMITS.batch} items`);
  return list;
}
