/**
 * A 2-D map of the personas: a principal component analysis of the persona centroids (their means in
 * the model's standardised units), each weighted by its mixture weight π_k, so that a large persona
 * pulls the axes more than a small one, as its people would.
 *
 * With A = diag(√w)·(M − 1·μ̄ᵀ) (k centroids × d features, μ̄ = Σ w_k μ_k / Σ w_k, w normalised to
 * sum 1), the weighted covariance is C = AᵀA. Its leading eigenvectors come from the small k×k Gram
 * matrix G = AAᵀ = UΛUᵀ: axis v_j = Aᵀu_j/√λ_j, and centroid i sits at x_ij = √λ_j·u_ij/√w_i
 * (the "dual" PCA, as for few points in many dimensions; Jolliffe, "Principal Component Analysis",
 * 2nd ed., §3.5 and §14.2.1). G is diagonalised by cyclic Jacobi rotations (Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.5.2), exact to rounding for the ≤ 20 personas a model has.
 * Each axis's sign is fixed so that its largest loading is positive: one model, one picture.
 * Pure: no I/O.
 */

export interface ProjectionInput {
  id: string;
  /** Mixture weight (any positive scale; normalised here). */
  weight: number;
  mean: readonly number[];
}

export interface PersonaProjection {
  /** Per persona, in input order: its position on the two axes (standardised units). */
  points: Array<{ id: string; x: number; y: number }>;
  /** Per axis: the share of the centroids' weighted variance it shows, and its strongest features. */
  axes: Array<{ explained: number; loadings: Array<{ feature: string; loading: number }> }>;
}

const TOP_LOADINGS = 3;

/** Eigenvalues (descending) and unit eigenvectors (columns of `vectors`, as rows here) of a symmetric matrix. */
export function symmetricEigen(matrix: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a: number[][] = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.5.1, the symmetric Schur decomposition).
        const tau = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!; const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq; a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!; const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk; a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!; const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq; v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return { values: order.map((i) => a[i]![i]!), vectors: order.map((i) => v.map((row) => row[i]!)) };
}

export function projectPersonas(personas: readonly ProjectionInput[], features: readonly string[]): PersonaProjection {
  const k = personas.length;
  const d = features.length;
  const total = personas.reduce((s, p) => s + Math.max(0, p.weight), 0);
  const w = personas.map((p) => (total > 0 ? Math.max(0, p.weight) / total : 1 / Math.max(1, k)));
  const centre = Array.from({ length: d }, (_, j) => personas.reduce((s, p, i) => s + w[i]! * (p.mean[j] ?? 0), 0));
  const a = personas.map((p, i) => Array.from({ length: d }, (_, j) => Math.sqrt(w[i]!) * ((p.mean[j] ?? 0) - centre[j]!)));
  const gram = a.map((ri) => a.map((rj) => ri.reduce((s, x, j) => s + x * rj[j]!, 0)));
  const { values, vectors } = symmetricEigen(gram);
  const variance = values.reduce((s, l) => s + Math.max(0, l), 0);
  const axes = [0, 1].map((j) => {
    const lambda = Math.max(0, values[j] ?? 0);
    const u = vectors[j] ?? new Array<number>(k).fill(0);
    if (lambda <= 1e-12 * Math.max(1, variance)) return { lambda: 0, u: new Array<number>(k).fill(0), loadings: new Array<number>(d).fill(0) };
    const loadings = Array.from({ length: d }, (_, f) => a.reduce((s, row, i) => s + row[f]! * u[i]!, 0) / Math.sqrt(lambda));
    // One sign per model: the largest loading positive.
    const largest = loadings.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    const sign = largest < 0 ? -1 : 1;
    return { lambda, u: u.map((x) => x * sign), loadings: loadings.map((x) => x * sign) };
  });
  return {
    points: personas.map((p, i) => ({
      id: p.id,
      x: w[i]! > 0 ? Math.sqrt(axes[0]!.lambda) * axes[0]!.u[i]! / Math.sqrt(w[i]!) : 0,
      y: w[i]! > 0 ? Math.sqrt(axes[1]!.lambda) * axes[1]!.u[i]! / Math.sqrt(w[i]!) : 0,
    })),
    axes: axes.map((axis) => ({
      explained: variance > 0 ? axis.lambda / variance : 0,
      loadings: axis.loadings.map((loading, f) => ({ feature: features[f]!, loading }))
        .filter((l) => Math.abs(l.loading) > 1e-9)
        .sort((x, y) => Math.abs(y.loading) - Math.abs(x.loading) || x.feature.localeCompare(y.feature))
        .slice(0, TOP_LOADINGS),
    })),
  };
}
