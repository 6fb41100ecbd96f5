/**
 * Composite Simpson's rule on [a, b] with an even number of intervals (Burden & Faires, "Numerical Analysis",
 * §4.4). Exact for cubics; error O(h⁴) for smooth integrands, which the beta densities used here are on the
 * interval where they carry their mass.
 */
export function simpson(f: (x: number) => number, a: number, b: number, intervals = 1000): number {
  const n = intervals % 2 === 0 ? intervals : intervals + 1;
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}
