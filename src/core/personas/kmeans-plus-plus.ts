/**
 * k-means++ seeding (Arthur & Vassilvitskii, "k-means++: The Advantages of Careful Seeding",
 * SODA 2007): the first centre is a uniformly drawn point, each next one a point drawn with
 * probability proportional to its squared distance to the nearest centre chosen so far. A few
 * Lloyd iterations then refine the centres; the Gaussian mixture starts from the result.
 *
 * When every remaining point coincides with a centre (all distances 0: identical points), the next
 * centre is drawn uniformly, so k centres are always returned for k ≤ n.
 */
import type { Random } from '../seeded-random.js';

export type Rows = readonly (readonly number[])[];

export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) { const d = a[j]! - b[j]!; s += d * d; }
  return s;
}

/** k centres for the rows (k ≤ rows.length), then `lloydIterations` rounds of k-means. */
export function kmeansPlusPlus(rows: Rows, k: number, random: Random, lloydIterations = 10): number[][] {
  const n = rows.length;
  if (k < 1 || k > n) throw new RangeError(`k-means++ needs 1 ≤ k ≤ ${n} points, got k = ${k}`);
  const centres: number[][] = [[...rows[Math.floor(random() * n)]!]];
  const nearest = rows.map((x) => squaredDistance(x, centres[0]!));
  while (centres.length < k) {
    const total = nearest.reduce((s, d) => s + d, 0);
    let index: number;
    if (total > 0) {
      let target = random() * total;
      index = 0;
      while (index < n - 1 && target >= nearest[index]!) { target -= nearest[index]!; index++; }
    } else {
      index = Math.floor(random() * n);
    }
    const centre = [...rows[index]!];
    centres.push(centre);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, squaredDistance(rows[i]!, centre));
  }
  for (let it = 0; it < lloydIterations; it++) if (!lloydStep(rows, centres)) break;
  return centres;
}

/** The index of the centre nearest to x. */
export function nearestCentre(x: readonly number[], centres: readonly (readonly number[])[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach((c, i) => { const d = squaredDistance(x, c); if (d < bestDistance) { bestDistance = d; best = i; } });
  return best;
}

/** One k-means round (mutates the centres); false when no centre moved. A centre left empty stays. */
function lloydStep(rows: Rows, centres: number[][]): boolean {
  const d = centres[0]!.length;
  const sums = centres.map(() => new Array<number>(d).fill(0));
  const counts = new Array<number>(centres.length).fill(0);
  for (const x of rows) {
    const c = nearestCentre(x, centres);
    counts[c]!++;
    for (let j = 0; j < d; j++) sums[c]![j]! += x[j]!;
  }
  let moved = false;
  centres.forEach((centre, c) => {
    if (counts[c] === 0) return;
    for (let j = 0; j < d; j++) {
      const next = sums[c]![j]! / counts[c]!;
      if (next !== centre[j]) { centre[j] = next; moved = true; }
    }
  });
  return moved;
}
