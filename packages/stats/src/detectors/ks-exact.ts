/** Two-sample KS statistic and exact two-sided p-value (as scipy.stats.ks_2samp method='exact'), for KSWIN. */

/** sup |F_a − F_b| of two ascending samples, ties handled like scipy (CDFs right-continuous). */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): { d: number; h: number } {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const gap = Math.abs(i * m - j * n);
    if (gap > best) best = gap;
  }
  // After one side is exhausted the gap only shrinks toward 0, so it cannot exceed `best`.
  return { d: best / (n * m), h: best };
}

/**
 * P(D ≥ h/(n·m)) under H0 for samples of sizes n and m: one minus the probability that a uniformly
 * random lattice path from (0, 0) to (n, m) keeps |i·m − j·n| < h. The path is walked as a Markov
 * chain (step right with probability (n − i)/(n + m − i − j)), so no binomial overflows.
 */
export function ksExactPValue(n: number, m: number, h: number): number {
  if (h <= 0) return 1;
  let row = new Float64Array(m + 1);
  let next = new Float64Array(m + 1);
  row[0] = 1;
  for (let j = 1; j <= m; j++) {
    // Along i = 0 every step goes up (j grows) with probability m' / (n + m') of the remaining path.
    const inside = Math.abs(-j * n) < h;
    row[j] = inside ? (row[j - 1] as number) * ((m - j + 1) / (n + m - j + 1)) : 0;
  }
  for (let i = 1; i <= n; i++) {
    next.fill(0);
    for (let j = 0; j <= m; j++) {
      if (Math.abs(i * m - j * n) >= h) continue;
      const remainingFromLeft = n - (i - 1) + (m - j);
      let p = (row[j] as number) * ((n - i + 1) / remainingFromLeft);
      if (j > 0) {
        const remainingFromBelow = n - i + (m - j + 1);
        p += (next[j - 1] as number) * ((m - j + 1) / remainingFromBelow);
      }
      next[j] = p;
    }
    [row, next] = [next, row];
  }
  return Math.min(1, Math.max(0, 1 - (row[m] as number)));
}
