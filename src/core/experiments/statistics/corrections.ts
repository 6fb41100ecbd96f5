/**
 * Multiple-comparison corrections across metrics and arms; adjusted p-values in the input order, as R's
 * `p.adjust` computes them (Holm 1979, "A simple sequentially rejective multiple test procedure"; Benjamini &
 * Hochberg 1995, "Controlling the false discovery rate"). Nulls (no test) stay null and do not count.
 *   Holm:  sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j))   — controls the family-wise error rate;
 *   BH:    sorted ascending, p̃_(i) = min_{j ≥ i} min(1, m p_(j) / j)        — controls the false discovery rate.
 */
export function holmBonferroni(pValues: readonly (number | null)[]): (number | null)[] {
  const order = indexed(pValues);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach(({ p, i }, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    out[i] = running;
  });
  return out;
}

export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const order = indexed(pValues);
  const m = order.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let j = m - 1; j >= 0; j--) {
    const { p, i } = order[j]!;
    running = Math.min(running, Math.min(1, (m * p) / (j + 1)));
    out[i] = running;
  }
  return out;
}

function indexed(pValues: readonly (number | null)[]): Array<{ p: number; i: number }> {
  return pValues.flatMap((p, i) => (p === null ? [] : [{ p, i }])).sort((a, b) => a.p - b.p || a.i - b.i);
}
