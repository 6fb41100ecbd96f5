/**
 * Stable persona ids across refits (issue 17 §2). The components of a new fit are matched to the
 * personas of the previous model by centroid distance with an optimal one-to-one assignment (the
 * Hungarian / Kuhn–Munkres algorithm, minimising the summed distance). A match farther than
 * `maxDistance` is no match. Unmatched new components get fresh ids (never one used before);
 * unmatched old personas have vanished; a new component whose nearest old persona (within twice
 * `maxDistance`) was matched to another component is reported as a split of that persona. Nothing
 * is silently renamed.
 *
 * Distances are measured in the NEW model's standardised units and divided by √d (root mean
 * square per feature), so `maxDistance` (default 1: one standard deviation per feature) does not
 * depend on the number of features. Centroids come in raw feature units, because the two models
 * standardise with different means and variances.
 *
 * The assignment uses the `munkres` package (MIT, TypeScript types included, no dependencies,
 * rectangular matrices and O(M²N)): a well-kept implementation of a classic algorithm rather than
 * our own. ml-matrix was not needed: nothing here is more than element-wise arithmetic.
 */
import { munkres } from 'munkres';

export interface PreviousPersona {
  id: string;
  /** Mean feature vector in raw (unstandardised) units. */
  centroid: readonly number[];
}

export interface MatchInput {
  previous: readonly PreviousPersona[];
  /** Centroids of the new components in raw units, in component order. */
  next: readonly (readonly number[])[];
  /** The new model's standardisation: distances are measured in its units. */
  scaling: { variances: readonly number[] };
  /** Every persona id used before in the workspace (fresh ids never reuse one). */
  usedIds: readonly string[];
  maxDistance?: number;
}

export interface PersonaMatch {
  /** Persona id of each new component, in component order. */
  ids: string[];
  /** New component → the previous persona it continues, with the distance. */
  carried: { id: string; distance: number }[];
  born: string[];
  vanished: string[];
  splits: { from: string; into: string[] }[];
}

export const DEFAULT_MATCH_DISTANCE = 1;

export function centroidDistance(a: readonly number[], b: readonly number[], variances: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const v = variances[j]! > 1e-12 ? variances[j]! : 1;
    s += (a[j]! - b[j]!) ** 2 / v;
  }
  return Math.sqrt(s / Math.max(1, a.length));
}

export function matchPersonas(input: MatchInput): PersonaMatch {
  const maxDistance = input.maxDistance ?? DEFAULT_MATCH_DISTANCE;
  const { previous, next } = input;
  const distances = next.map((c) => previous.map((p) => centroidDistance(c, p.centroid, input.scaling.variances)));
  const ids = new Array<string | null>(next.length).fill(null);
  const carried: PersonaMatch['carried'] = [];
  const matchedOld = new Map<number, number>();
  if (next.length > 0 && previous.length > 0) {
    for (const [row, col] of munkres(distances)) {
      const distance = distances[row]![col]!;
      if (distance > maxDistance) continue;
      ids[row] = previous[col]!.id;
      matchedOld.set(col, row);
      carried.push({ id: previous[col]!.id, distance });
    }
  }
  let counter = Math.max(0, ...input.usedIds.map((id) => /^p(\d+)$/.exec(id)).map((m) => (m ? Number(m[1]) : 0)));
  const born: string[] = [];
  const splitInto = new Map<string, string[]>();
  ids.forEach((id, row) => {
    if (id !== null) return;
    const fresh = `p${++counter}`;
    ids[row] = fresh;
    born.push(fresh);
    const nearest = distances[row]!.reduce((best, d, col) => (d < (best < 0 ? Infinity : distances[row]![best]!) ? col : best), -1);
    if (nearest >= 0 && matchedOld.has(nearest) && distances[row]![nearest]! <= 2 * maxDistance) {
      const from = previous[nearest]!.id;
      splitInto.set(from, [...(splitInto.get(from) ?? [from]), fresh]);
    }
  });
  const vanished = previous.filter((_, col) => !matchedOld.has(col)).map((p) => p.id);
  return { ids: ids as string[], carried, born, vanished, splits: [...splitInto].map(([from, into]) => ({ from, into })) };
}
