/**
 * The key under which an event is indexed for funnels and retention (events.hit): `p` + the page
 * path for a page or screen view, `e` + the name for a custom event — the hits web analytics counts
 * (hit-of-event.ts), so that bots, email events and visible-time reports are never steps. Other
 * events have no key.
 *
 * A step or goal matches one key (a page, an event) or every key beginning with a prefix (pages
 * whose path begins with `/blog/`): a range of keys, which the index answers in one scan. Ranges are
 * compared by code point, which is byte order for UTF-8 (SQLite's BINARY collation, PostgreSQL's "C").
 */
import type { RollupDim } from './dimensions.js';

/** One hit of a visit, as the rollup step reads an event (visit.ts; hit-of-event.ts makes it). */
export interface Hit {
  at: number;
  kind: 'page' | 'event' | 'time';
  /** The page (page views; for time reports the page reported on, when known). */
  path: string | null;
  /** Custom events: the event name. */
  name: string | null;
  /** Time reports: the cumulative visible time of the page view. */
  visibleMs: number | null;
  /**
   * Rows of bounded labels the hit also counts under (labels.ts): a page view's title and category
   * (page views), a custom event's property values (events). Set by the rollup step after its caps.
   */
  labels?: ReadonlyArray<readonly [RollupDim, string]>;
}

export const PAGE_KEY = 'p';
export const EVENT_KEY = 'e';

export function hitKey(hit: Hit | null): string | null {
  if (hit === null) return null;
  if (hit.kind === 'page' && hit.path !== null) return PAGE_KEY + hit.path;
  if (hit.kind === 'event' && hit.name !== null) return EVENT_KEY + hit.name;
  return null;
}

/** A page step or goal: a path, or every path beginning with `path` when `prefix`. An event: its name. */
export type HitMatch = { kind: 'page'; path: string; prefix: boolean } | { kind: 'event'; name: string };

/** The keys a match covers: one key, or from (included) to (excluded) in code point order. */
export function keyRange(match: HitMatch): { equals: string } | { from: string; to: string } {
  const key = match.kind === 'page' ? PAGE_KEY + match.path : EVENT_KEY + match.name;
  if (match.kind === 'event' || !match.prefix) return { equals: key };
  return { from: key, to: successor(key) };
}

/** The least string greater than every string beginning with `s` (its last code point incremented). */
function successor(s: string): string {
  const points = [...s];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last >= 0x10ffff) continue;
    // Never a lone surrogate (not a character, and not storable as UTF-8).
    const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
    return points.join('') + String.fromCodePoint(next);
  }
  return '\u{10ffff}';
}
