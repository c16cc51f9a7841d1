/** Evidently's permutation-based scores: `TVD` (seeded, reproducible) and `empirical_mmd`. */
import { sortFloat64 } from '../sort-float64.js';
import { invalidArgument } from '../validate-input.js';
import type { ColumnData } from './column-data.js';
import { unionKeys } from './column-data.js';
import { Mt19937 } from './mt19937.js';

const TVD_ITERATIONS = 1000;
const MMD_ITERATIONS = 100;
/** The MMD kernel matrix is (n + m)²: larger samples must be subsampled first. */
export const MAX_MMD_VALUES = 3000;

/** Category code of every value of reference followed by current (Evidently's `ref + cur` list). */
function combinedCodes(ref: ColumnData, cur: ColumnData): { codes: Int32Array; k: number } {
  const index = new Map(unionKeys(ref, cur).map((key, i) => [key, i]));
  const codes = new Int32Array(ref.length + cur.length);
  let o = 0;
  for (const col of [ref, cur]) {
    const vals = col.values as ArrayLike<string | number | boolean>;
    for (let i = 0; i < vals.length; i++) codes[o++] = index.get(vals[i] as string) as number;
  }
  return { codes, k: index.size };
}

/** 2·R·C·TVD = Σ |r_i·C − c_i·R|: an exact integer, so ties compare exactly. */
function scaledTvd(refCounts: Int32Array, totals: Int32Array, n1: number, n2: number): number {
  let s = 0;
  for (let i = 0; i < refCounts.length; i++) {
    const r = refCounts[i] as number;
    s += Math.abs(r * n2 - ((totals[i] as number) - r) * n1);
  }
  return s;
}

/**
 * Evidently's `TVD`: the share of 1000 random relabelings (numpy RandomState seeded with 0, as
 * Evidently seeds it) whose total variation distance is at least the observed one. O(1000·n).
 */
export function tvdPermutationScore(ref: ColumnData, cur: ColumnData): number {
  const { codes, k } = combinedCodes(ref, cur);
  const n1 = ref.length;
  const n2 = cur.length;
  const totals = new Int32Array(k);
  const refCounts = new Int32Array(k);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    totals[code] = (totals[code] as number) + 1;
    if (i < n1) refCounts[code] = (refCounts[code] as number) + 1;
  }
  const observed = scaledTvd(refCounts, totals, n1, n2);
  const rng = new Mt19937(0);
  const perm = new Int32Array(codes.length);
  let atLeast = 0;
  for (let it = 0; it < TVD_ITERATIONS; it++) {
    for (let i = 0; i < perm.length; i++) perm[i] = i;
    rng.shuffle(perm);
    refCounts.fill(0);
    for (let i = 0; i < n1; i++) {
      const code = codes[perm[i] as number] as number;
      refCounts[code] = (refCounts[code] as number) + 1;
    }
    if (observed <= scaledTvd(refCounts, totals, n1, n2)) atLeast++;
  }
  return atLeast / TVD_ITERATIONS;
}

/** Evidently's RBF kernel over reference ∪ current, bandwidth from the reference median distance. */
function kernelMatrix(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const total = n + y.length;
  const all = Float64Array.from({ length: total }, (_, i) => (i < n ? x[i] : y[i - n]) as number);
  // squared_paired_dist: y_j² − 2·x_i·y_j + x_i² (that order), median with 'nearest' rank.
  const dist = (a: number, b: number): number => b * b - 2 * (a * b) + a * a;
  const xx = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) xx[i * n + j] = dist(all[i] as number, all[j] as number);
  const position = 0.5 * (n * n - 1);
  const rank =
    Math.floor(position) % 2 === 0 && position % 1 === 0.5
      ? Math.floor(position)
      : Math.round(position);
  let sigma = Math.sqrt(0.5 * (sortFloat64(xx)[rank] as number));
  if (sigma === 0) sigma = Math.SQRT1_2;
  const gamma = 1 / (2 * sigma * sigma);
  const kernel = new Float64Array(total * total);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < total; j++) {
      if (i !== j)
        kernel[i * total + j] = Math.exp(-gamma * dist(all[i] as number, all[j] as number));
    }
  }
  return kernel;
}

/** Evidently's mmd_2samp for a membership (first n of `order` are reference). */
function mmdStatistic(kernel: Float64Array, order: Int32Array, n: number, grand: number): number {
  const total = order.length;
  const m = total - n;
  const blockSum = (from: number, to: number): number => {
    let s = 0;
    for (let a = from; a < to; a++) {
      const row = (order[a] as number) * total;
      for (let b = from; b < to; b++) s += kernel[row + (order[b] as number)] as number;
    }
    return s;
  };
  const sxx = blockSum(0, n);
  const syy = blockSum(n, total);
  const sxy = (grand - sxx - syy) / 2;
  return sxx / (n * (n - 1)) + syy / (m * (m - 1)) - (2 * sxy) / (n * m);
}

/**
 * Evidently's `empirical_mmd`: share of 100 random relabelings whose RBF-kernel MMD is at least
 * the observed one. Evidently draws from numpy's unseeded global generator; this one is seeded
 * with 0, so the score is reproducible but is not Evidently's random draw. Needs 2 to 3000 values
 * in total per side combined (O((n + m)²) memory and time).
 */
export function mmdPermutationScore(ref: ColumnData, cur: ColumnData): number {
  const n = ref.length;
  const total = n + cur.length;
  if (n < 2 || cur.length < 2 || total > MAX_MMD_VALUES) {
    throw invalidArgument(
      'reference and current lengths',
      `${n} and ${cur.length}`,
      `at least 2 each and at most ${MAX_MMD_VALUES} together for empirical_mmd`,
    );
  }
  const kernel = kernelMatrix(ref.values as ArrayLike<number>, cur.values as ArrayLike<number>);
  let grand = 0;
  for (const v of kernel) grand += v;
  const order = Int32Array.from({ length: total }, (_, i) => i);
  const observed = mmdStatistic(kernel, order, n, grand);
  const rng = new Mt19937(0);
  let atLeast = 0;
  for (let it = 0; it < MMD_ITERATIONS; it++) {
    for (let i = 0; i < total; i++) order[i] = i;
    rng.shuffle(order);
    if (observed <= mmdStatistic(kernel, order, n, grand)) atLeast++;
  }
  return atLeast / MMD_ITERATIONS;
}
