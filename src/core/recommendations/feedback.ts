/**
 * What people did with recommended lists (issue 15 §3): the events that feed click-through per
 * list and strategy, and rotation (rotation.ts). Pure.
 *
 *   track "Recommendation Viewed"  {list_id, strategy?, source?, items: [{item_id, position?}] | item_id, position?}
 *   track "Recommendation Clicked" {list_id, strategy?, source?, item_id, position?}
 *   track "Slot Viewed" / "Slot Clicked" {slot, item_id}  — a recommendation slot's view or click
 *     (list = the slot id, strategy `slot`) when the event names the shown item.
 *
 * `list_id` and `strategy` become labels of an aggregate report, so they must be short plain
 * labels (letters, digits, `.`, `_`, `:`, `-`; 1–100 and 1–40 characters): no space, no `@`, so no
 * e-mail address or free text lands in an aggregate. `source` says who sent the event, `tracker`
 * (default) or `server`. An event whose fields do not fit is stored like any other; it only feeds
 * nothing here.
 */
import type { TrackedEvent } from '../events/event.js';
import type { EpochMs } from '../time.js';
import { itemIdProblem } from './item.js';

export const RECOMMENDATION_VIEWED = 'Recommendation Viewed';
export const RECOMMENDATION_CLICKED = 'Recommendation Clicked';
const SLOT_VIEWED = 'Slot Viewed';
const SLOT_CLICKED = 'Slot Clicked';

/** At most this many items of one view are counted (a list longer than this is a page, not a list). */
export const MAX_VIEWED_ITEMS = 100;

const LIST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const STRATEGY = /^[A-Za-z0-9._:-]{1,40}$/;

export interface RecommendationFeedback {
  action: 'viewed' | 'clicked';
  listId: string;
  strategy: string;
  source: 'tracker' | 'server';
  /** The items shown (viewed) or the one clicked, with their 1-based position when told. */
  items: Array<{ itemId: string; position?: number }>;
  at: EpochMs;
}

export function feedbackOf(event: TrackedEvent): RecommendationFeedback | null {
  if (event.type !== 'track' || event.name === null) return null;
  const p = event.properties;
  const slot = event.name === SLOT_VIEWED || event.name === SLOT_CLICKED;
  if (!slot && event.name !== RECOMMENDATION_VIEWED && event.name !== RECOMMENDATION_CLICKED) return null;
  const action = event.name === RECOMMENDATION_VIEWED || event.name === SLOT_VIEWED ? 'viewed' : 'clicked';
  const listId = slot ? p.slot : p.list_id;
  if (typeof listId !== 'string' || !LIST_ID.test(listId)) return null;
  const strategy = slot ? 'slot' : p.strategy === undefined ? 'unknown' : p.strategy;
  if (typeof strategy !== 'string' || !STRATEGY.test(strategy)) return null;
  const source = p.source === 'server' ? 'server' : 'tracker';
  const items: RecommendationFeedback['items'] = [];
  if (action === 'viewed' && !slot && Array.isArray(p.items)) {
    const seen = new Set<string>();
    for (const [i, entry] of p.items.slice(0, MAX_VIEWED_ITEMS).entries()) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
      const e = entry as Record<string, unknown>;
      const id = idOf(e.item_id);
      if (id === null || seen.has(id)) continue;
      seen.add(id);
      items.push({ itemId: id, position: positionOf(e.position) ?? i + 1 });
    }
  } else {
    const id = idOf(p.item_id);
    if (id !== null) {
      const position = positionOf(p.position);
      items.push({ itemId: id, ...(position !== undefined ? { position } : {}) });
    }
  }
  if (items.length === 0) return null;
  return { action, listId, strategy, source, items, at: event.timestamp };
}

function idOf(v: unknown): string | null {
  const id = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return typeof id === 'string' && itemIdProblem(id) === null ? id : null;
}

function positionOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 ? v : undefined;
}
