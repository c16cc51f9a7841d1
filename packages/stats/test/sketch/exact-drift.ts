/**
 * Exact reference values for the sketch tests, computed straight from the full sorted samples.
 * The distances come from src/distribution (checked against scipy in test/distribution), not from
 * the sketch code's own share-distances.ts, so a fault there cannot hide in its own reference.
 */
import { hellingerDistance } from '../../src/distribution/hellinger.js';
import { jensenShannonDistance } from '../../src/distribution/jensen-shannon.js';
import { psi } from '../../src/distribution/psi.js';

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

/**
 * Evidently's zero filling before PSI (`get_binned_data(feel_zeroes=True)`): empty shares become
 * 0.0001, or (smallest non-zero share) / 1e6 when that share is at most 0.0001.
 */
function evidentlyZeroFill(shares: Float64Array): Float64Array {
  const smallest = Math.min(...Array.from(shares).filter((s) => s > 0));
  const fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** Exact PSI (Evidently's zero filling), Jensen–Shannon (natural log) and Hellinger of two share vectors. */
export function exactShareDistances(
  p: Float64Array,
  q: Float64Array,
): { psi: number; jensenShannon: number; hellinger: number } {
  return {
    psi: psi(evidentlyZeroFill(p), evidentlyZeroFill(q)),
    jensenShannon: jensenShannonDistance(p, q),
    hellinger: hellingerDistance(p, q),
  };
}

/** Exact PSI, Jensen–Shannon and Hellinger on the given bins. */
export function exactBinned(
  reference: Float64Array,
  current: Float64Array,
  edges: Float64Array,
): { psi: number; jensenShannon: number; hellinger: number } {
  return exactShareDistances(exactShares(reference, edges), exactShares(current, edges));
}
