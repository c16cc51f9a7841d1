/** Distances between two share vectors, as Evidently computes them on binned data. */

/**
 * Evidently's zero filling for psi/kl: empty shares become 0.0001, or min-nonzero/1e6 when the
 * smallest non-zero share is already ≤ 0.0001. Returns a new array.
 */
export function fillEmptyShares(shares: Float64Array): Float64Array {
  let minNonZero = Infinity;
  for (const s of shares) if (s > 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** Population stability index Σ (p − q)·ln(p / q) after zero filling. */
export function psiOfShares(reference: Float64Array, current: Float64Array): number {
  const p = fillEmptyShares(reference);
  const q = fillEmptyShares(current);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    const b = q[i] as number;
    sum += (a - b) * Math.log(a / b);
  }
  return sum;
}

/** scipy.spatial.distance.jensenshannon (natural log): sqrt of the JS divergence of the normalized vectors. */
export function jensenShannonOfShares(reference: Float64Array, current: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < reference.length; i++) {
    sp += reference[i] as number;
    sq += current[i] as number;
  }
  let divergence = 0;
  for (let i = 0; i < reference.length; i++) {
    const p = (reference[i] as number) / sp;
    const q = (current[i] as number) / sq;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log(p / m);
    if (q > 0) divergence += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}

/** Hellinger distance sqrt(Σ (√p − √q)²) / √2, in [0, 1]. */
export function hellingerOfShares(reference: Float64Array, current: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.sqrt(reference[i] as number) - Math.sqrt(current[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum) / Math.SQRT2;
}

/**
 * Survival function of the Kolmogorov distribution, P(K > lambda), with
 * K = sup |Brownian bridge|; the two classical series, each used where it converges fast.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    // P(K ≤ λ) = √(2π)/λ · Σ_{j≥1} exp(−(2j−1)²π²/(8λ²))
    const c = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let j = 1; j <= 20; j++) {
      const term = Math.exp(-(2 * j - 1) * (2 * j - 1) * c);
      sum += term;
      if (term < 1e-18) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  // P(K > λ) = 2 Σ_{j≥1} (−1)^{j−1} exp(−2j²λ²)
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
