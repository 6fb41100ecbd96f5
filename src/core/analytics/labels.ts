/**
 * Labels of a hit with open-ended values, kept in rollups of their own with a bounded number of
 * values per workspace (issue 18 §1): the page's **title** and **category** (page views), and the
 * **properties of custom events** (one rollup dimension per event name × property, `ep:` below).
 *
 * Cardinality: each kept dimension admits its first values up to a cap (CAPS) and counts every
 * later new value as `(other)` — never dropped, so a breakdown's rows always add up to its total.
 * Admitted values are remembered per workspace (the store's value registry, ports/analytics-store.ts),
 * so a value is either always its own row or always `(other)`. Property breakdowns are kept for the
 * first EVENT_CAP event names; each keeps its first PROPERTY_CAP property keys; each property its
 * first PROPERTY_VALUE_CAP values. An event beyond those counts under event `(other)`, a property
 * beyond them under property `(other)` (value `(other)`).
 *
 * Property values: strings (trimmed, control characters replaced, at most MAX_PROPERTY_VALUE_LENGTH
 * characters), numbers and booleans as they are spelled; anything else (objects, arrays, null, a
 * longer string) is `(none)`. A value that looks like an address (`@`), every property whose key
 * the workspace's data schema declares personal (email, name, phone, …), and every property whose
 * key names an identifier or a secret (identifierKey: `id`, `orderId`, `order_id`, `userID`,
 * `token`, `email`, `phone`, `password`, …) is `(withheld)`: the rollups hold no identifiers.
 */
import type { TrackedEvent } from '../events/event.js';
import { pageInfo } from '../profiles/page-info.js';
import { clip, NONE, type Cell } from './dimensions.js';
import type { Hit } from './hit-key.js';

export const OTHER = '(other)';
export const WITHHELD = '(withheld)';
export const TITLE_CAP = 1000;
export const CATEGORY_CAP = 200;
export const EVENT_CAP = 200;
export const PROPERTY_CAP = 20;
export const PROPERTY_VALUE_CAP = 100;
export const MAX_PROPERTY_VALUE_LENGTH = 100;

/** The rollup dimension of an event's property values. */
export const EVENT_PROPERTY_PREFIX = 'ep:';
export const eventPropertyDimension = (event: string, property: string): `ep:${string}` => `${EVENT_PROPERTY_PREFIX}${event}\u0001${property}`;

/** Registry dimensions (which values are admitted), besides `title` and `category` themselves. */
const EVENTS_REGISTRY = 'ep-events';
const keysRegistry = (event: string) => `ep-keys:${event}`;

/** A (dimension, value) the registry is asked about. */
export interface Candidate { dim: string; value: string }

/** What a hit would be labelled with before the caps: filled by `labelsOfPage` / `propertiesOfEvent`. */
export type PageLabels = { title: string; category: string };
export type EventProperties = { event: string; properties: Array<[string, string]> };

/** Keys whose values identify a person or a transaction, or are secrets: never kept as values. */
const IDENTIFYING_WORDS = /(uuid|token|secret|password|passwd|email|e-mail|phone|mobile|iban|card|ssn|address|^ip$)/i;
export const identifierKey = (key: string) => /^id$/i.test(key) || /[a-z0-9]Id$/.test(key) || /ID$/.test(key) || /[_\-. ]id$/i.test(key) || IDENTIFYING_WORDS.test(key);

const control = /[\u0000-\u001f\u007f]/g;
const clean = (s: string) => clip(s.trim().replace(control, '\uFFFD'));

export function pageLabels(title: string | null, category: string | null): PageLabels {
  const t = title === null || title.trim() === '' ? NONE : clean(title);
  const c = category === null || category.trim() === '' ? NONE : clean(category);
  return { title: t, category: c };
}

/** The event's top-level properties as labels (see above for what a value becomes). */
export function propertiesOfEvent(event: string, properties: Readonly<Record<string, unknown>>, personalKeys: ReadonlySet<string>): EventProperties {
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(properties)) {
    const k = clean(key);
    if (k === '') continue;
    out.push([k, personalKeys.has(key) || identifierKey(key) ? WITHHELD : propertyValue(properties[key])]);
  }
  return { event, properties: out };
}

function propertyValue(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : NONE;
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return NONE;
  const s = v.trim();
  if (s === '' || s.length > MAX_PROPERTY_VALUE_LENGTH) return NONE;
  if (s.includes('@')) return WITHHELD;
  return clean(s);
}

/** A hit's labels before the caps: a page view's title and category, a custom event's properties; null for others. */
export type RawLabels = { kind: 'page'; labels: PageLabels } | { kind: 'event'; labels: EventProperties };

export function rawLabels(hit: Hit, event: TrackedEvent, personalKeys: ReadonlySet<string>): RawLabels | null {
  if (hit.kind === 'page') {
    const page = pageInfo(event);
    return { kind: 'page', labels: pageLabels(page?.title ?? null, page?.category ?? null) };
  }
  if (hit.kind === 'event' && hit.name !== null) return { kind: 'event', labels: propertiesOfEvent(hit.name, event.properties, personalKeys) };
  return null;
}

/** Every registry entry the labels may need (one read per batch answers them all). */
export function candidatesOf(labels: readonly RawLabels[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  const add = (dim: string, value: string) => { if (!isFixed(value)) seen.set(`${dim}\u0000${value}`, { dim, value }); };
  for (const raw of labels) {
    if (raw.kind === 'page') { add('title', raw.labels.title); add('category', raw.labels.category); continue; }
    const e = raw.labels;
    if (e.properties.length === 0) continue;
    add(EVENTS_REGISTRY, e.event);
    for (const [key, value] of e.properties) { add(keysRegistry(e.event), key); add(eventPropertyDimension(e.event, key), value); }
  }
  return [...seen.values()];
}

/** Values never registered: they are always their own row. */
const isFixed = (value: string) => value === NONE || value === OTHER || value === WITHHELD;

/**
 * Admits values against the caps, given what the registry holds: `known` (dim NUL value) and the
 * number of values per registry dimension. Remembers the values it admits (`admitted`, to store).
 */
export class ValueCaps {
  readonly admitted: Candidate[] = [];
  /** `unbounded`: every value is its own row (a fold in memory of a few people's events, analytics/people-rollups.ts). */
  constructor(private readonly known: Set<string>, private readonly counts: Map<string, number>, private readonly unbounded = false) {}

  private admit(dim: string, value: string, cap: number): boolean {
    if (isFixed(value) || this.unbounded) return true;
    const key = `${dim}\u0000${value}`;
    if (this.known.has(key)) return true;
    const count = this.counts.get(dim) ?? 0;
    if (count >= cap) return false;
    this.known.add(key);
    this.counts.set(dim, count + 1);
    this.admitted.push({ dim, value });
    return true;
  }

  cellsOf(raw: RawLabels): Cell[] {
    return raw.kind === 'page' ? this.pageCells(raw.labels) : this.eventCells(raw.labels);
  }

  /** The cells of a page view's labels. */
  pageCells(p: PageLabels): Cell[] {
    return [['title', this.admit('title', p.title, TITLE_CAP) ? p.title : OTHER], ['category', this.admit('category', p.category, CATEGORY_CAP) ? p.category : OTHER]];
  }

  /** The cells of a custom event's properties: one per property (each event counts once per property). */
  eventCells(e: EventProperties): Cell[] {
    if (e.properties.length === 0) return [];
    if (!this.admit(EVENTS_REGISTRY, e.event, EVENT_CAP)) return [[eventPropertyDimension(OTHER, OTHER), OTHER]];
    const cells: Cell[] = [];
    let other = false;
    for (const [key, value] of e.properties) {
      if (!this.admit(keysRegistry(e.event), key, PROPERTY_CAP)) { other = true; continue; }
      const dim = eventPropertyDimension(e.event, key);
      cells.push([dim, this.admit(dim, value, PROPERTY_VALUE_CAP) ? value : OTHER]);
    }
    // An event with properties beyond the cap counts once under property (other).
    if (other) cells.push([eventPropertyDimension(e.event, OTHER), OTHER]);
    return cells;
  }
}
