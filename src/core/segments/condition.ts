/**
 * The segment condition language, stored as JSON. A condition is a tree: `and` / `or` / `not`
 * nodes over leaves. Leaves:
 *
 * - `trait`: a comparison of a profile trait (comparison.ts), e.g. `{"key":"role","op":"in","values":["CTO","CIO"]}`.
 * - `event`: events of a name (and type) with property filters, counted: `atLeast` / `atMost` times
 *   (default: at least once), `within` the last window or only `before` it (older than it).
 * - `sequence`: events in order (A then B …), optionally all within one window.
 * - `page`: page views by URL (contains), path (equals) or category, counted like events.
 * - `email`: emails opened or clicked (Segment's email spec events), counted like events; opens and
 *   clicks flagged machine-generated (mail scanners, link checkers) never count.
 * - `computed`: a comparison of a computed trait's current value.
 * - `segment`: membership of another segment (use `not` for "not in").
 * - `lifecycle`: the current lifecycle stage is one of `in`.
 * - `score`: the engagement (decayed, now) or fit score compared with numbers.
 * - `consent`: the person's consent for a purpose is granted (or not).
 * - `persona`: the person's probability of a persona (core/personas; the link lives on the profile)
 *   reaches `minProbability`; without it, the persona is the person's assigned one (the most
 *   probable, above the model's threshold). No link (no model, no legal basis for profiling,
 *   consent withdrawn): false.
 *
 * Example: "read two whitepapers on smart factories in the last 30 days and not contacted by sales":
 * `{"and":[{"event":{"name":"Whitepaper Downloaded","where":[{"property":"topic","op":"equals","value":"smart factory"}],"atLeast":2,"within":"30d"}},
 *          {"not":{"trait":{"key":"contacted_by_sales","op":"equals","value":true}}}]}`
 */
import type { Comparison } from './comparison.js';

export interface PropertyFilter extends Comparison {
  /** A property of the event; dots reach into objects (`product.sku`). Page views also offer url, path, category, title. */
  property: string;
}

export type EventKind = 'track' | 'page' | 'screen' | 'identify' | 'group';

/** Which events: a type (default track), a name (required for track), property filters. */
export interface EventSpec {
  type?: EventKind;
  name?: string;
  where?: PropertyFilter[];
}

export interface Counted {
  atLeast?: number;
  atMost?: number;
  /** Only events in this window before now count ("30d"). */
  within?: string;
  /** Only events older than this count ("30d": before 30 days ago). */
  before?: string;
}

export type EventCondition = EventSpec & Counted;

export interface SequenceCondition {
  /** Two to five steps, each after the one before it. */
  steps: EventSpec[];
  within?: string;
}

export interface PageCondition extends Counted {
  /** The page URL contains this text. */
  url?: string;
  /** The page path equals this (`/pricing`). */
  path?: string;
  /** The page category (or the first path segment) equals this. */
  category?: string;
}

export interface EmailCondition extends Counted {
  action: 'opened' | 'clicked';
  where?: PropertyFilter[];
}

export type TraitCondition = Comparison & { key: string };

export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { trait: TraitCondition }
  | { event: EventCondition }
  | { sequence: SequenceCondition }
  | { page: PageCondition }
  | { email: EmailCondition }
  | { computed: TraitCondition }
  | { segment: { id: string } }
  | { lifecycle: { in: string[] } }
  | { score: Comparison & { kind: 'engagement' | 'fit' } }
  | { consent: { purpose: string; granted: boolean } }
  | { persona: PersonaCondition };

export interface PersonaCondition {
  /** A persona id of the workspace's model (`p2`). */
  id: string;
  /** 0 < p ≤ 1: the person's probability of the persona is at least this. Absent: it is their assigned persona. */
  minProbability?: number;
}

export const LEAF_KINDS = ['trait', 'event', 'sequence', 'page', 'email', 'computed', 'segment', 'lifecycle', 'score', 'consent', 'persona'] as const;

/** Email spec event names per action (https://segment.com/docs/connections/spec/email/). */
export const EMAIL_EVENT_NAMES = { opened: 'Email Opened', clicked: 'Email Link Clicked' } as const;

/** A page condition as the event condition it stands for. */
export function pageAsEvent(p: PageCondition): EventCondition {
  const where: PropertyFilter[] = [];
  if (p.url !== undefined) where.push({ property: 'url', op: 'contains', value: p.url });
  if (p.path !== undefined) where.push({ property: 'path', op: 'equals', value: p.path });
  if (p.category !== undefined) where.push({ property: 'category', op: 'equals', value: p.category });
  return { type: 'page', ...(where.length ? { where } : {}), ...countedOf(p) };
}

/** An email condition as the event condition it stands for. */
export function emailAsEvent(e: EmailCondition): EventCondition {
  return { type: 'track', name: EMAIL_EVENT_NAMES[e.action], ...(e.where ? { where: e.where } : {}), ...countedOf(e) };
}

function countedOf(c: Counted): Counted {
  return {
    ...(c.atLeast !== undefined ? { atLeast: c.atLeast } : {}), ...(c.atMost !== undefined ? { atMost: c.atMost } : {}),
    ...(c.within !== undefined ? { within: c.within } : {}), ...(c.before !== undefined ? { before: c.before } : {}),
  };
}

/** The event conditions of a leaf (page and email desugared); empty for other leaves. */
export function specOf(c: EventCondition): EventSpec {
  return { ...(c.type !== undefined ? { type: c.type } : {}), ...(c.name !== undefined ? { name: c.name } : {}), ...(c.where ? { where: c.where } : {}) };
}
