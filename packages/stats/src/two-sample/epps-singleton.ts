/** Epps–Singleton two-sample test on the empirical characteristic function (scipy.stats.epps_singleton_2samp). */
import { sortFloat64 } from '../sort-float64.js';
import { chi2Sf } from '../special/gamma.js';
import { pairwiseSum } from '../special/pairwise-sum.js';
import { symmetricPseudoInverse } from '../special/symmetric-pinv.js';
import { invalidArgument } from '../validate-input.js';
import { sortedFinite } from './sorted-input.js';
import type { NumericInput } from '../validate-input.js';
import type { TestResult } from './test-result.js';

/** scipy's default evaluation points of the characteristic function. */
const DEFAULT_T = [0.4, 0.8] as const;
/** Samples smaller than 5 are refused by scipy. */
const MIN_SAMPLE = 5;
/** The small-sample correction applies while the larger sample has fewer values than this. */
const CORRECTION_BELOW = 25;

/** numpy.percentile(sorted, q, method='linear') for q in [0, 100]. */
function percentile(sorted: Float64Array, q: number): number {
  const index = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const gamma = index - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Number of distinct values of a sorted array. */
function distinctSorted(sorted: Float64Array): number {
  let k = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) k++;
  return k;
}

/** Columns cos(t_k x), sin(t_k x): their means and biased covariance (numpy.cov bias=True). */
function characteristicMoments(x: Float64Array, ts: readonly number[]) {
  const n = x.length;
  const d = 2 * ts.length;
  const columns: Float64Array[] = [];
  for (const trig of [Math.cos, Math.sin]) {
    for (const t of ts) {
      const column = new Float64Array(n);
      for (let i = 0; i < n; i++) column[i] = trig(t * (x[i] as number));
      columns.push(column);
    }
  }
  const means = columns.map((c) => pairwiseSum(c) / n);
  for (let p = 0; p < d; p++) {
    const c = columns[p] as Float64Array;
    const m = means[p] as number;
    for (let i = 0; i < n; i++) c[i] = (c[i] as number) - m;
  }
  const cov = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const cp = columns[p] as Float64Array;
      const cq = columns[q] as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += (cp[i] as number) * (cq[i] as number);
      cov[p * d + q] = cov[q * d + p] = s / n;
    }
  }
  return { means, cov };
}

/**
 * Epps–Singleton test of equal distributions with scipy's defaults t = (0.4, 0.8), scaled by
 * half the pooled interquartile range; the statistic is referred to χ² with as many degrees of
 * freedom as the covariance estimate has rank, with the small-sample correction below 25 values.
 * @throws StatsError EMPTY_SAMPLE (fewer than 5 values in a sample), NON_FINITE,
 *   INVALID_ARGUMENT (pooled interquartile range 0, so the scale is undefined).
 */
export function eppsSingleton(reference: NumericInput, current: NumericInput): TestResult {
  const x = sortedFinite(reference, 'reference', MIN_SAMPLE);
  const y = sortedFinite(current, 'current', MIN_SAMPLE);
  const nx = x.length;
  const ny = y.length;
  const n = nx + ny;
  const pooled = new Float64Array(n);
  pooled.set(x);
  pooled.set(y, nx);
  sortFloat64(pooled);
  const sigma = (percentile(pooled, 75) - percentile(pooled, 25)) / 2;
  if (!(sigma > 0)) {
    throw invalidArgument(
      'reference, current',
      'a pooled interquartile range of 0',
      'samples whose pooled IQR is positive',
    );
  }
  const ts = DEFAULT_T.map((t) => t / sigma);
  const mx = characteristicMoments(x, ts);
  const my = characteristicMoments(y, ts);
  const d = 2 * ts.length;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++)
    cov[i] = (n / nx) * (mx.cov[i] as number) + (n / ny) * (my.cov[i] as number);
  // With k distinct pooled values every centred vector lies in span{g(v) − g(v₀)}: the exact
  // covariance has rank ≤ k − 1, and eigenvalues past that are rounding noise (ties, ≤ 4 values).
  const { inverse, rank } = symmetricPseudoInverse(cov, d, distinctSorted(pooled) - 1);
  const diff = mx.means.map((m, i) => m - (my.means[i] as number));
  let quadratic = 0;
  for (let p = 0; p < d; p++) {
    let row = 0;
    for (let q = 0; q < d; q++) row += (inverse[p * d + q] as number) * (diff[q] as number);
    quadratic += (diff[p] as number) * row;
  }
  let statistic = n * quadratic;
  if (Math.max(nx, ny) < CORRECTION_BELOW) {
    statistic *= 1 / (1 + n ** -0.45 + 10.1 * (nx ** -1.7 + ny ** -1.7));
  }
  return { statistic, pValue: rank > 0 ? chi2Sf(statistic, rank) : 1 };
}
