/**
 * The item catalogue (issue 15 §1): what can be recommended — products, articles, whitepapers,
 * events. An item is named by its id within a workspace (a SKU, a product id, an article slug).
 *
 * Two sources write items:
 * - the catalogue (`PUT /v1/items/{id}`, `POST /v1/items/batch`, `tessera items import`): the
 *   admin's word; a put replaces every field (absent fields take their defaults);
 * - events (ingest/steps/learn-items.ts): an item met only in events (`Product Viewed` with a
 *   `product_id` not in the catalogue) becomes a *stub* (`source: 'event'`) holding what the event
 *   told (name, price, category, url, image). A stub never overwrites anything: once the catalogue
 *   names the item, the catalogue's fields are the item (`source: 'catalogue'`), and later events
 *   leave it alone.
 *
 * `parseItem` validates what the catalogue sends and names every failing field; nothing is
 * silently changed or dropped (an unknown field is refused, not ignored).
 */
import type { FieldIssue } from '../errors.js';
import { jsonProblems } from '../json-problems.js';
import { urlTextProblem } from '../safe-url.js';
import { parseTime, type EpochMs } from '../time.js';

export const ITEM_LIMITS = {
  idChars: 200,
  titleChars: 500,
  urlChars: 2000,
  typeChars: 40,
  categories: 20,
  tags: 50,
  labelChars: 100,
  /** Serialised `properties`, in bytes. */
  propertiesBytes: 16 * 1024,
  propertiesDepth: 5,
  maxPrice: 1e12,
  /** Items per `POST /v1/items/batch`. */
  batch: 1000,
} as const;

/** `type`: lower-case letters, digits, `_` and `-` (product, article, whitepaper, event …). */
export const ITEM_TYPE_PATTERN = /^[a-z][a-z0-9_-]*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface Item {
  id: string;
  title?: string;
  url?: string;
  image?: string;
  type?: string;
  categories: string[];
  tags: string[];
  price?: number;
  /** ISO 4217, upper case. */
  currency?: string;
  /** In stock / published: unavailable items are never recommended. */
  available: boolean;
  publishedAt?: EpochMs;
  /** Free JSON object, returned as sent. */
  properties: Record<string, unknown>;
}

export type ItemSource = 'catalogue' | 'event';

export interface StoredItem extends Item {
  workspaceId: string;
  source: ItemSource;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

const FIELDS = new Set(['id', 'title', 'url', 'image', 'type', 'categories', 'tags', 'price', 'currency', 'available', 'publishedAt', 'properties']);

export type ParsedItem = { ok: true; item: Item } | { ok: false; issues: FieldIssue[] };

/** Problems of an item id, as a field reason; null when it is fine. */
export function itemIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length === 0 || id.length > ITEM_LIMITS.idChars) return `must be 1–${ITEM_LIMITS.idChars} characters`;
  if (CONTROL.test(id)) return 'must not contain control characters';
  if (id !== id.trim()) return 'must not start or end with whitespace';
  return null;
}

/**
 * An item from the catalogue. `path` prefixes field names (`items[3].`); `id`, when given (the
 * path of `PUT /v1/items/{id}`), is the item's id and a body `id` must equal it.
 */
export function parseItem(input: unknown, options: { path?: string; id?: string } = {}): ParsedItem {
  const at = (field: string) => `${options.path ?? ''}${field}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: options.path ? options.path.replace(/\.$/, '') : 'body', reason: 'must be a JSON object' }] };
  const body = input as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const bad = (field: string, reason: string) => issues.push({ field: at(field), reason });
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) bad(key, `is not a field of an item; expected ${[...FIELDS].join(', ')}`);

  let id = options.id;
  if (options.id === undefined) {
    const problem = itemIdProblem(body.id);
    if (problem) bad('id', body.id === undefined ? 'is required' : problem);
    else id = body.id as string;
  } else if (body.id !== undefined && body.id !== options.id) bad('id', 'must equal the id in the path (or be left out)');

  const item: Item = { id: id ?? '', categories: [], tags: [], available: true, properties: {} };
  const text = (field: 'title', max: number) => {
    const v = body[field];
    if (v === undefined) return;
    if (typeof v !== 'string') bad(field, 'must be a string');
    else if (v.length > max) bad(field, `must be at most ${max} characters`);
    else if (CONTROL.test(v)) bad(field, 'must not contain control characters');
    else item[field] = v;
  };
  text('title', ITEM_LIMITS.titleChars);
  for (const field of ['url', 'image'] as const) {
    const v = body[field];
    if (v === undefined) continue;
    const problem = httpUrlProblem(v);
    if (problem) bad(field, problem);
    else item[field] = v as string;
  }
  if (body.type !== undefined) {
    const v = body.type;
    if (typeof v !== 'string' || v.length > ITEM_LIMITS.typeChars || !ITEM_TYPE_PATTERN.test(v)) bad('type', `must be lower-case letters, digits, _ and - (at most ${ITEM_LIMITS.typeChars}), e.g. product or article`);
    else item.type = v;
  }
  for (const [field, max] of [['categories', ITEM_LIMITS.categories], ['tags', ITEM_LIMITS.tags]] as const) {
    const v = body[field];
    if (v === undefined) continue;
    const parsed = labelList(v, max);
    if (typeof parsed === 'string') bad(field, parsed);
    else item[field] = parsed;
  }
  if (body.price !== undefined) {
    const v = body.price;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > ITEM_LIMITS.maxPrice) bad('price', `must be a number from 0 to ${ITEM_LIMITS.maxPrice}`);
    else item.price = v;
  }
  if (body.currency !== undefined) {
    if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) bad('currency', 'must be an ISO 4217 code in capitals, e.g. EUR');
    else item.currency = body.currency;
  }
  if (body.available !== undefined) {
    if (typeof body.available !== 'boolean') bad('available', 'must be true or false');
    else item.available = body.available;
  }
  if (body.publishedAt !== undefined) {
    const t = typeof body.publishedAt === 'string' ? parseTime(body.publishedAt) : undefined;
    if (t === undefined) bad('publishedAt', 'must be an ISO 8601 date or date-time, e.g. 2026-03-01T09:00:00Z');
    else item.publishedAt = t;
  }
  if (body.properties !== undefined) {
    const problem = propertiesProblem(body.properties);
    if (problem) issues.push({ field: at(problem.field ? `properties.${problem.field}` : 'properties'), reason: problem.reason });
    else item.properties = body.properties as Record<string, unknown>;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, item };
}

/** An absolute http(s) URL without control characters, at most urlChars; null when fine. */
export function httpUrlProblem(v: unknown): string | null {
  if (typeof v !== 'string') return 'must be a string';
  if (v.length > ITEM_LIMITS.urlChars) return `must be at most ${ITEM_LIMITS.urlChars} characters`;
  const problem = urlTextProblem(v);
  if (problem) return problem;
  if (!/^https?:\/\//i.test(v)) return 'must be an absolute http(s) URL';
  try {
    const url = new URL(v);
    return url.hostname === '' ? 'must be an absolute http(s) URL' : null;
  } catch {
    return 'must be an absolute http(s) URL';
  }
}

/** Distinct non-empty labels; a reason string when the list is not acceptable. */
function labelList(v: unknown, max: number): string[] | string {
  if (!Array.isArray(v)) return 'must be an array of strings';
  if (v.length > max) return `must have at most ${max} entries`;
  const out: string[] = [];
  for (const [i, label] of v.entries()) {
    if (typeof label !== 'string' || label.length === 0 || label.length > ITEM_LIMITS.labelChars) return `[${i}] must be a string of 1–${ITEM_LIMITS.labelChars} characters`;
    if (CONTROL.test(label)) return `[${i}] must not contain control characters`;
    if (!out.includes(label)) out.push(label);
  }
  if (out.length !== v.length) return 'must not repeat an entry';
  return out;
}

function propertiesProblem(v: unknown): { field: string; reason: string } | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { field: '', reason: 'must be a JSON object' };
  const problems = jsonProblems(v, { maxDepth: ITEM_LIMITS.propertiesDepth, wholeField: '' });
  if (problems) return problems[0]!;
  const bytes = new TextEncoder().encode(JSON.stringify(v)).length;
  if (bytes > ITEM_LIMITS.propertiesBytes) return { field: '', reason: `must be at most ${ITEM_LIMITS.propertiesBytes} bytes as JSON (is ${bytes})` };
  if (/\\u0000/.test(JSON.stringify(v))) return { field: '', reason: 'must not contain NUL characters' };
  return null;
}

/**
 * A stub learned from an event: only what the event told; never replaces a stored item
 * (the store inserts it only when the id is unknown).
 */
export function stubItem(id: string, told: Partial<Omit<Item, 'id' | 'properties'>>): Item {
  return { id, categories: [], tags: [], available: true, properties: {}, ...told };
}
