/** Exact null distribution of the Mann–Whitney U statistic for samples without ties. */

/**
 * P(U ≤ k) for sample sizes m and n: the first k + 1 coefficients of the Gaussian binomial
 * [m + n choose m]_q (the number of rank arrangements giving each U), over C(m + n, m).
 * Built as Π_{i=1}^{s} (1 − q^{L+i}) / (1 − q^i) with s = min(m, n), L = max(m, n): O(s·k).
 */
export function mannWhitneyExactCdf(k: number, m: number, n: number): number {
  if (k < 0) return 0;
  const s = Math.min(m, n);
  const large = Math.max(m, n);
  const top = Math.min(k, m * n);
  const counts = new Float64Array(top + 1);
  counts[0] = 1;
  let total = 1;
  for (let i = 1; i <= s; i++) {
    const drop = large + i;
    for (let d = top; d >= drop; d--)
      counts[d] = (counts[d] as number) - (counts[d - drop] as number);
    for (let d = i; d <= top; d++) counts[d] = (counts[d] as number) + (counts[d - i] as number);
    total = (total * (large + i)) / i;
  }
  let cumulative = 0;
  for (let d = 0; d <= top; d++) cumulative += counts[d] as number;
  return cumulative / total;
}
