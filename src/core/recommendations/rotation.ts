/**
 * Rotation (issue 15 §2): an item shown often to a person without a click sinks in their lists for
 * a while, so that lists stay fresh. Pure.
 *
 * Per person and item we keep the decayed number of times it was shown since the person last
 * clicked it (a log score, decay.ts, with the `rotationHalfLife`): every item of a
 * `Recommendation Viewed` (and a recommendation slot's `Slot Viewed` naming its item) adds one; a
 * click on the item (`Recommendation Clicked`, `Slot Clicked`, or any interaction that is a click,
 * cart or purchase of it) resets it. An item whose count reached `rotationImpressions` at its
 * last view is *rotated* for one `rotationHalfLife` after that view: the rules (recommend.ts) move
 * it behind every item that is not, so it is shown only when nothing fresher fills the list. Then
 * it comes back with half its count, and needs as many fresh views as the decay took away before
 * it sinks again. (Comparing the count *now* with the threshold would release an item minutes
 * after its fifth view, as the count decays below 5 at once.)
 *
 * The state is the person's (it names what they were shown): it lives in their recent history
 * (ItemHistory.shown), so it is exported, erased and merged with them. At most SHOWN_CAP items are
 * kept, the most shown first.
 */
import { addLogScores, logScore, weightAt } from './decay.js';
import type { EpochMs } from '../time.js';

/** How often an item was shown to the person since they last clicked it. */
export interface ShownItem {
  itemId: string;
  /** Log score (decay.ts) of the views, with the rotation half-life. */
  score: number;
  /** The last view. */
  at: EpochMs;
}

/** What rotation reads and writes of a person's history (co-occurrence.ts ItemHistory). */
interface WithShown {
  shown?: ShownItem[];
}

export const SHOWN_CAP = 200;

export interface RotationParams {
  rotationHalfLifeMs: number;
}

/** The history after a view of `itemIds` at `at`. */
export function recordShown<H extends WithShown>(history: H, itemIds: readonly string[], at: EpochMs, params: RotationParams): H {
  const shown = new Map((history.shown ?? []).map((s) => [s.itemId, s]));
  const one = logScore(1, at, params.rotationHalfLifeMs);
  for (const itemId of new Set(itemIds)) {
    const held = shown.get(itemId);
    shown.set(itemId, { itemId, score: held ? addLogScores(held.score, one) : one, at: Math.max(at, held?.at ?? at) });
  }
  return { ...history, shown: capShown([...shown.values()]) };
}

/** The history after the person clicked `itemId`: its count starts again from zero. */
export function recordClicked<H extends WithShown>(history: H, itemId: string): H {
  if (!history.shown?.some((s) => s.itemId === itemId)) return history;
  return { ...history, shown: history.shown.filter((s) => s.itemId !== itemId) };
}

/** The items rotated out at `now`: their count reached `threshold` at their last view, less than a half-life ago. */
export function rotatedItems(history: WithShown | null, now: EpochMs, params: RotationParams & { threshold: number }): Set<string> {
  const out = new Set<string>();
  for (const s of history?.shown ?? []) {
    // Tolerance: five views within a second weigh 4.99999… at the last one.
    if (now - s.at < params.rotationHalfLifeMs && weightAt(s.score, s.at, params.rotationHalfLifeMs) >= params.threshold - 1e-3) out.add(s.itemId);
  }
  return out;
}

/** Two people's shown counts after a merge: per item, the two counts added. */
export function mergeShown(a: readonly ShownItem[] | undefined, b: readonly ShownItem[] | undefined): ShownItem[] | undefined {
  if (!a?.length && !b?.length) return undefined;
  const out = new Map<string, ShownItem>();
  for (const s of [...(a ?? []), ...(b ?? [])]) {
    const held = out.get(s.itemId);
    out.set(s.itemId, held ? { itemId: s.itemId, score: addLogScores(held.score, s.score), at: Math.max(held.at, s.at) } : s);
  }
  return capShown([...out.values()]);
}

/** Log scores of one half-life compare as weights do at any moment: the highest are kept. */
function capShown(shown: ShownItem[]): ShownItem[] {
  return shown.sort((x, y) => y.score - x.score || (x.itemId < y.itemId ? -1 : 1)).slice(0, SHOWN_CAP);
}
