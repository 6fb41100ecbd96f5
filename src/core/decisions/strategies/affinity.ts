/**
 * Interest affinity: how much a person reads about each page category, with older reading
 * counting less (exponential decay by a half-life): a view `age` ago weighs 2^(−age / halfLife).
 *
 * The profile keeps, per page, its view count and last view time (behaviour.ts), not every view's
 * time; each page's views are aged by its last view. That overstates pages viewed long ago and
 * again recently, and is exact for pages viewed once — the trade for not keeping a per-view log.
 * Categories compare case-insensitively; the `(other)` bucket of overflowing pages is skipped.
 */
import type { Behaviour } from '../../profiles/behaviour.js';
import type { EpochMs } from '../../time.js';

export type Affinities = ReadonlyMap<string, number>;

const cache = new WeakMap<Behaviour, { now: EpochMs; halfLifeMs: number; value: Affinities }>();

/** Category (lower case) → decayed views at `now`; remembered for the last (now, half-life) per behaviour. */
export function categoryAffinities(b: Behaviour, now: EpochMs, halfLifeMs: number): Affinities {
  const hit = cache.get(b);
  if (hit && hit.now === now && hit.halfLifeMs === halfLifeMs) return hit.value;
  const out = new Map<string, number>();
  for (const key in b.pages) {
    if (!Object.hasOwn(b.pages, key)) continue;
    const page = b.pages[key]!;
    if (!page.category || key === '(other)') continue;
    const age = Math.max(0, now - page.lastAt);
    const weight = page.views * Math.pow(2, -age / halfLifeMs);
    const cat = page.category.toLowerCase();
    out.set(cat, (out.get(cat) ?? 0) + weight);
  }
  cache.set(b, { now, halfLifeMs, value: out });
  return out;
}
