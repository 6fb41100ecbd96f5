/**
 * The adjusted Rand index of two partitions of the same items (Hubert & Arabie, "Comparing
 * partitions", Journal of Classification 2, 1985, eq. 5): the Rand index corrected for chance, 1 for
 * identical partitions (whatever the labels are called), about 0 for independent ones, negative
 * when they agree less than chance. With n_ij the contingency table, a_i its row sums, b_j its
 * column sums and C(x, 2) = x(x-1)/2:
 *
 *   index    = Σ_ij C(n_ij, 2)
 *   expected = Σ_i C(a_i, 2) · Σ_j C(b_j, 2) / C(n, 2)
 *   max      = ½ (Σ_i C(a_i, 2) + Σ_j C(b_j, 2))
 *   ARI      = (index − expected) / (max − expected)
 *
 * When max = expected (both partitions put everything in one group, or everything apart) the
 * partitions are identical and the index is 1, as scikit-learn's `adjusted_rand_score` defines it.
 * Used by the planted-personas test to score the fitted personas against the planted groups; an
 * item's label may be any value (`null` for "unassigned" is a label like any other).
 */
const pairs = (x: number) => (x * (x - 1)) / 2;

export function adjustedRandIndex<A, B>(truth: readonly A[], predicted: readonly B[]): number {
  if (truth.length !== predicted.length) throw new RangeError(`both partitions must label the same items (${truth.length} ≠ ${predicted.length})`);
  const n = truth.length;
  if (n < 2) return 1;
  const cells = new Map<A, Map<B, number>>();
  const rows = new Map<A, number>();
  const columns = new Map<B, number>();
  for (let i = 0; i < n; i++) {
    const a = truth[i]!;
    const b = predicted[i]!;
    const row = cells.get(a) ?? new Map<B, number>();
    cells.set(a, row);
    row.set(b, (row.get(b) ?? 0) + 1);
    rows.set(a, (rows.get(a) ?? 0) + 1);
    columns.set(b, (columns.get(b) ?? 0) + 1);
  }
  let index = 0;
  for (const row of cells.values()) for (const count of row.values()) index += pairs(count);
  let sumRows = 0;
  for (const count of rows.values()) sumRows += pairs(count);
  let sumColumns = 0;
  for (const count of columns.values()) sumColumns += pairs(count);
  const expected = (sumRows * sumColumns) / pairs(n);
  const max = (sumRows + sumColumns) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
