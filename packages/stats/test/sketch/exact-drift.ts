/** Exact reference values for the sketch tests, computed straight from the full sorted samples. */
import {
  hellingerOfShares,
  jensenShannonOfShares,
  psiOfShares,
} from '../../src/sketch/share-distances.js';

/** Two-sample KS statistic and 1-Wasserstein distance of two ascending samples (one merge pass). */
export function exactKsAndWasserstein(
  a: Float64Array,
  b: Float64Array,
): { ks: number; wasserstein: number } {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let ks = 0;
  let wasserstein = 0;
  let fa = 0;
  let fb = 0;
  let previous = NaN;
  while (i < n || j < m) {
    const x = Math.min(a[i] ?? Infinity, b[j] ?? Infinity);
    if (!Number.isNaN(previous)) wasserstein += Math.abs(fa - fb) * (x - previous);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    fa = i / n;
    fb = j / m;
    ks = Math.max(ks, Math.abs(fa - fb));
    previous = x;
  }
  return { ks, wasserstein };
}

/** Number of entries of the ascending `sorted` below x. */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Exact shares of an ascending sample in the bins [e_i, e_{i+1}) (last bin closed), as numpy.histogram. */
export function exactShares(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const out = new Float64Array(bins);
  let below = 0;
  for (let e = 1; e < bins; e++) {
    const next = countBelow(sorted, edges[e] as number);
    out[e - 1] = (next - below) / sorted.length;
    below = next;
  }
  out[bins - 1] = (sorted.length - below) / sorted.length;
  return out;
}

/** Exact PSI, Jensen–Shannon and Hellinger on the given bins. */
export function exactBinned(
  reference: Float64Array,
  current: Float64Array,
  edges: Float64Array,
): { psi: number; jensenShannon: number; hellinger: number } {
  const p = exactShares(reference, edges);
  const q = exactShares(current, edges);
  return {
    psi: psiOfShares(p, q),
    jensenShannon: jensenShannonOfShares(p, q),
    hellinger: hellingerOfShares(p, q),
  };
}
