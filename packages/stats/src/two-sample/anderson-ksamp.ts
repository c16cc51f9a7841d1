/** k-sample Anderson–Darling test with midranks (scipy.stats.anderson_ksamp, midrank=True). */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { NeumaierSum } from '../special/neumaier-sum.js';
import { pairwiseSum } from '../special/pairwise-sum.js';
import { polynomialFit, polynomialValue } from '../special/polynomial-fit.js';
import { invalidArgument } from '../validate-input.js';
import { sortedFinite } from './sorted-input.js';
import type { NumericInput } from '../validate-input.js';
import type { TestResult } from './test-result.js';

/** Interpolation coefficients of Scholz & Stephens (1987), Table 2, and their significance levels. */
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
const SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const P_CAP = 0.25;
const P_FLOOR = 0.001;

/** A2akN of Scholz & Stephens, eq. 7: one merged pass over the sorted samples. */
function midrankStatistic(samples: Float64Array[], total: number): number {
  const k = samples.length;
  const pos = new Array<number>(k).fill(0);
  const below = new Array<number>(k).fill(0);
  const sums = samples.map(() => new NeumaierSum());
  let pooledBelow = 0;
  for (;;) {
    let value = Infinity;
    for (let i = 0; i < k; i++) {
      const s = samples[i] as Float64Array;
      const p = pos[i] as number;
      if (p < s.length && (s[p] as number) < value) value = s[p] as number;
    }
    if (value === Infinity) break;
    let tied = 0;
    for (let i = 0; i < k; i++) {
      const s = samples[i] as Float64Array;
      let p = pos[i] as number;
      while (p < s.length && s[p] === value) p++;
      tied += p - (pos[i] as number);
      pos[i] = p;
    }
    const bj = pooledBelow + tied / 2;
    const denominator = bj * (total - bj) - (total * tied) / 4;
    for (let i = 0; i < k; i++) {
      const s = samples[i] as Float64Array;
      const count = (pos[i] as number) - (below[i] as number);
      const mij = (pos[i] as number) - count / 2;
      const dev = total * mij - bj * s.length;
      (sums[i] as NeumaierSum).add(((tied / total) * dev * dev) / denominator);
      below[i] = pos[i] as number;
    }
    pooledBelow += tied;
  }
  let a2 = 0;
  for (let i = 0; i < k; i++)
    a2 += (sums[i] as NeumaierSum).value() / (samples[i] as Float64Array).length;
  return (a2 * (total - 1)) / total;
}

/** Variance of A2kN under the null (Scholz & Stephens, eq. 4), with scipy's summation order. */
function nullVariance(sizes: number[], total: number): number {
  const k = sizes.length;
  let hInv = 0;
  for (const n of sizes) hInv += 1 / n;
  // hs[i] = Σ_{j = N−1−i}^{N−1} 1/j for i = 0 … N−3, accumulated in that order (numpy cumsum).
  const weighted = new Float64Array(total - 2);
  let cumulative = 0;
  for (let i = 0; i < total - 2; i++) {
    cumulative += 1 / (total - 1 - i);
    weighted[i] = cumulative / (i + 2);
  }
  const h = cumulative + 1;
  const g = pairwiseSum(weighted);
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * hInv;
  const b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * hInv - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * hInv + 4 * h;
  const d = (2 * h + 6) * k * k - 4 * h * k;
  const n3 = Number(BigInt(total) ** 3n);
  const n2 = Number(BigInt(total) ** 2n);
  return (a * n3 + b * n2 + c * total + d) / ((total - 1) * (total - 2) * (total - 3));
}

/**
 * Anderson–Darling k-sample test (midrank version). The p-value interpolates Scholz &
 * Stephens' table as scipy does and is therefore capped at 0.25 and floored at 0.001.
 * @param samples two or more samples, e.g. `[reference, current]`.
 * @throws StatsError EMPTY_SAMPLE (an empty sample, or fewer than 4 values in all),
 *   NON_FINITE, INVALID_ARGUMENT (fewer than 2 samples, or all values equal).
 * @example andersonDarlingKsamp([[1, 2, 3, 4], [5, 6, 7, 8]]).pValue // 0.0065…
 */
export function andersonDarlingKsamp(samples: readonly NumericInput[]): TestResult {
  if (!Array.isArray(samples) || samples.length < 2) {
    throw invalidArgument('samples', samples?.length, 'an array of at least 2 samples');
  }
  const sorted = samples.map((s, i) => sortedFinite(s, `samples[${i}]`));
  const sizes = sorted.map((s) => s.length);
  const total = sizes.reduce((x, y) => x + y, 0);
  if (total < 4) {
    throw new StatsError(
      StatsErrorCodes.EMPTY_SAMPLE,
      `samples must hold at least 4 values in all, got ${total}`,
      {
        argument: 'samples',
        length: total,
        expected: 4,
      },
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (const s of sorted) {
    min = Math.min(min, s[0] as number);
    max = Math.max(max, s[s.length - 1] as number);
  }
  if (min === max)
    throw invalidArgument(
      'samples',
      `all ${total} values equal to ${min}`,
      'at least 2 distinct values',
    );
  const a2kn = midrankStatistic(sorted, total);
  const m = samples.length - 1;
  const statistic = (a2kn - m) / Math.sqrt(nullVariance(sizes, total));
  const critical = B0.map((b0, i) => b0 + (B1[i] as number) / Math.sqrt(m) + (B2[i] as number) / m);
  let pValue: number;
  if (statistic < Math.min(...critical)) pValue = P_CAP;
  else if (statistic > Math.max(...critical)) pValue = P_FLOOR;
  else {
    const fit = polynomialFit(critical, SIGNIFICANCE.map(Math.log), 2);
    pValue = Math.exp(polynomialValue(fit, statistic));
  }
  return { statistic, pValue };
}
