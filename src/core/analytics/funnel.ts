/**
 * Funnels: how far each person got through ordered steps. A person reaches step k when they have
 * occurrences o1 < o2 < … < ok of steps 1..k, ordered by time and, at the same time, by the order
 * the events were stored (so one event never counts for two steps), with ok − o1 ≤ the time limit
 * when there is one. Every occurrence of step 1 is tried as the start: from a fixed start the
 * earliest next occurrence of each step is the best choice (any later one leaves less room), so
 * trying each start and walking greedily finds the furthest step — a later start can succeed where
 * the first one ran out of time.
 */

/** An occurrence of a step: time (epoch ms) and the event's stored order. */
export interface Point { ts: number; seq: number }

const after = (a: Point, b: Point) => a.ts > b.ts || (a.ts === b.ts && a.seq > b.seq);
const compare = (a: Point, b: Point) => a.ts - b.ts || a.seq - b.seq;

/** The furthest step (0 = none) a person reached, from their occurrences per step (any order). */
export function stepsReached(occurrences: ReadonlyArray<readonly Point[]>, withinMs: number | null): number {
  const steps = occurrences.map((list) => [...list].sort(compare));
  const starts = steps[0] ?? [];
  if (starts.length === 0) return 0;
  let best = 1;
  for (const start of starts) {
    let current = start;
    let reached = 1;
    for (let i = 1; i < steps.length; i++) {
      const next = firstAfter(steps[i]!, current);
      if (next === null || (withinMs !== null && next.ts - start.ts > withinMs)) break;
      current = next;
      reached = i + 1;
    }
    if (reached > best) best = reached;
    if (best === steps.length) break;
  }
  return best;
}

/** The first point of a sorted list after `p` (binary search), or null. */
function firstAfter(sorted: readonly Point[], p: Point): Point | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(sorted[mid]!, p)) hi = mid; else lo = mid + 1;
  }
  return lo < sorted.length ? sorted[lo]! : null;
}

export interface FunnelStep {
  step: number;
  label: string;
  /** People who reached this step. */
  people: number;
  /** Share of the previous step's people (1 for the first step; null when the previous had none). */
  conversionFromPrevious: number | null;
  /** Share of the first step's people (null when it had none). */
  conversionFromFirst: number | null;
  /** People of the previous step who did not reach this one (0 for the first step). */
  dropOff: number;
  dropOffRate: number | null;
}

/** The chart of a funnel from the number of people whose furthest step is each k (index k − 1). */
export function funnelSteps(labels: readonly string[], reachedCounts: readonly number[]): FunnelStep[] {
  // People who reached step k = those whose furthest step is k or beyond.
  const people = labels.map((_, k) => reachedCounts.slice(k).reduce((n, c) => n + c, 0));
  const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1e4) / 1e4 : null);
  return labels.map((label, k) => {
    const previous = k === 0 ? people[0]! : people[k - 1]!;
    return {
      step: k + 1,
      label,
      people: people[k]!,
      conversionFromPrevious: k === 0 ? (people[0]! > 0 ? 1 : null) : rate(people[k]!, previous),
      conversionFromFirst: rate(people[k]!, people[0]!),
      dropOff: previous - people[k]!,
      dropOffRate: k === 0 ? (people[0]! > 0 ? 0 : null) : rate(previous - people[k]!, previous),
    };
  });
}
