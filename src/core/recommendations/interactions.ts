/**
 * Which items an event is about, and how the person interacted with them (issue 15 §1–2). Pure.
 *
 * - Segment's e-commerce spec (https://segment.com/docs/connections/spec/ecommerce/v2/):
 *   `Product Viewed` → view, `Product Clicked` → click, `Product Added` → cart, each naming one
 *   product in its properties; `Order Completed` → purchase of every entry of `properties.products`.
 *   A product is named by `product_id`, else `sku` (a string, or a whole number written as text).
 * - Content: a `page` event with `properties.item_id` → read; else a page whose path matches one of
 *   the workspace's URL patterns (`/blog/:id`, `/artikel/:id/*`) → read of the matched id.
 *
 * What the event tells about the item (name, price, currency, category, url, image) is kept for the
 * stub an unknown item becomes (item.ts); the catalogue's word always wins over it. Ids or values
 * that would not pass the catalogue's validation are skipped: such an event is still stored, it
 * only teaches nothing about that item.
 */
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { ITEM_LIMITS, httpUrlProblem, itemIdProblem, type Item } from './item.js';

export const INTERACTION_KINDS = ['view', 'click', 'cart', 'purchase', 'read'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** What an event may tell about an item besides its id. */
export type ItemHints = Partial<Pick<Item, 'title' | 'url' | 'image' | 'type' | 'categories' | 'price' | 'currency'>>;

export interface ItemInteraction {
  itemId: string;
  kind: InteractionKind;
  at: EpochMs;
  hints: ItemHints;
}

const TRACKED: Readonly<Record<string, InteractionKind>> = { 'Product Viewed': 'view', 'Product Clicked': 'click', 'Product Added': 'cart' };
export const ORDER_COMPLETED = 'Order Completed';

/** A compiled URL pattern: `/blog/:id` matches `/blog/abc` (id `abc`); a final `/*` allows more path. */
export interface UrlPattern {
  source: string;
  regex: RegExp;
}

export const URL_PATTERN_RULE = 'must be a path starting with "/", with exactly one ":id" segment and optionally a final "/*", e.g. /blog/:id';

/** Compiles a pattern; null when it is not of the documented form. */
export function compileUrlPattern(source: string): UrlPattern | null {
  if (typeof source !== 'string' || source.length > 200 || !source.startsWith('/') || /[\u0000-\u001f\u007f?#]/.test(source)) return null;
  const parts = source.split('/').slice(1);
  const rest = parts[parts.length - 1] === '*';
  if (rest) parts.pop();
  if (parts.filter((p) => p === ':id').length !== 1 || parts.some((p) => p === '' || p === '*' || (p.startsWith(':') && p !== ':id'))) return null;
  const body = parts.map((p) => (p === ':id' ? '([^/]+)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return { source, regex: new RegExp(`^/${body}${rest ? '(?:/.*)?' : '/?'}$`) };
}

export function interactionsOf(event: TrackedEvent, patterns: readonly UrlPattern[]): ItemInteraction[] {
  const at = event.timestamp;
  if (event.type === 'track' && event.name !== null) {
    const kind = TRACKED[event.name];
    if (kind) {
      const one = productOf(event.properties, kind, at, event.properties.currency);
      return one ? [one] : [];
    }
    if (event.name === ORDER_COMPLETED) {
      const products = event.properties.products;
      if (!Array.isArray(products)) return [];
      const out: ItemInteraction[] = [];
      const seen = new Set<string>();
      for (const p of products.slice(0, 200)) {
        if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
        const one = productOf(p as Record<string, unknown>, 'purchase', at, event.properties.currency);
        if (one && !seen.has(one.itemId)) { seen.add(one.itemId); out.push(one); }
      }
      return out;
    }
    return [];
  }
  if (event.type === 'page') {
    const props = event.properties;
    const hints = pageHints(event);
    const explicit = idOf(props.item_id);
    if (explicit !== null) return [{ itemId: explicit, kind: 'read', at, hints }];
    const path = pathOf(event);
    if (path === null) return [];
    for (const pattern of patterns) {
      const match = pattern.regex.exec(path);
      if (!match) continue;
      let id: string | null;
      try { id = idOf(decodeURIComponent(match[1]!)); } catch { id = null; }
      if (id !== null) return [{ itemId: id, kind: 'read', at, hints }];
    }
  }
  return [];
}

function productOf(p: Record<string, unknown>, kind: InteractionKind, at: EpochMs, orderCurrency: unknown): ItemInteraction | null {
  const itemId = idOf(p.product_id) ?? idOf(p.sku);
  if (itemId === null) return null;
  const hints: ItemHints = {};
  const title = label(p.name, ITEM_LIMITS.titleChars);
  if (title) hints.title = title;
  if (typeof p.price === 'number' && Number.isFinite(p.price) && p.price >= 0 && p.price <= ITEM_LIMITS.maxPrice) hints.price = p.price;
  const currency = typeof p.currency === 'string' ? p.currency : orderCurrency;
  if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency)) hints.currency = currency;
  const category = label(p.category, ITEM_LIMITS.labelChars);
  if (category) hints.categories = [category];
  if (httpUrlProblem(p.url) === null) hints.url = p.url as string;
  if (httpUrlProblem(p.image_url) === null) hints.image = p.image_url as string;
  hints.type = 'product';
  return { itemId, kind, at, hints };
}

function pageHints(event: TrackedEvent): ItemHints {
  const hints: ItemHints = {};
  const title = label(event.properties.title, ITEM_LIMITS.titleChars) ?? label(event.name, ITEM_LIMITS.titleChars);
  if (title) hints.title = title;
  const category = label(event.category, ITEM_LIMITS.labelChars) ?? label(event.properties.category, ITEM_LIMITS.labelChars);
  if (category) hints.categories = [category];
  if (httpUrlProblem(event.properties.url) === null) hints.url = event.properties.url as string;
  return hints;
}

function pathOf(event: TrackedEvent): string | null {
  const page = event.context.page;
  const fromContext = typeof page === 'object' && page !== null && !Array.isArray(page) ? (page as Record<string, unknown>).path : undefined;
  const path = typeof event.properties.path === 'string' ? event.properties.path : fromContext;
  if (typeof path === 'string' && path.startsWith('/')) return path.split(/[?#]/)[0]!;
  if (typeof event.properties.url === 'string') {
    try { return new URL(event.properties.url).pathname; } catch { return null; }
  }
  return null;
}

/** A string id, or a whole number written as text; null when it would not be a valid item id. */
function idOf(v: unknown): string | null {
  const id = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return typeof id === 'string' && itemIdProblem(id) === null ? id : null;
}

function label(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.trim() !== '' && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v) ? v : undefined;
}
