/** Welch's unequal-variance t-test (scipy.stats.ttest_ind with equal_var=False). */
import { studentTSf } from '../special/beta.js';
import { pairwiseSum } from '../special/pairwise-sum.js';
import { finiteSample, invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

export interface WelchTTestResult {
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
}

/** Mean and unbiased variance with numpy's summation order (scipy's `_var(a, ddof=1)`). */
function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  const n = values.length;
  const mean = pairwiseSum(values) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares[i] = d * d;
  }
  return { mean, variance: (pairwiseSum(squares) / n) * (n / (n - 1)) };
}

/**
 * Two-sided Welch t-test of equal means. When both samples are constant the degrees of freedom
 * are undefined and set to 1 as scipy does; a difference of two constant means then gives
 * statistic ±Infinity and pValue 0.
 * @throws StatsError EMPTY_SAMPLE (fewer than 2 values), NON_FINITE, INVALID_ARGUMENT (both
 *   samples constant and equal, where t = 0/0).
 * @example welchTTest([1, 2, 3, 4], [3, 5, 7, 9]).df // 4.41…
 */
export function welchTTest(reference: NumericInput, current: NumericInput): WelchTTestResult {
  const a = finiteSample(reference, 'reference', 2);
  const b = finiteSample(current, 'current', 2);
  const n1 = a.length;
  const n2 = b.length;
  const s1 = meanAndVariance(a);
  const s2 = meanAndVariance(b);
  const vn1 = s1.variance / n1;
  const vn2 = s2.variance / n2;
  let df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1));
  if (Number.isNaN(df)) df = 1;
  const difference = s1.mean - s2.mean;
  const denominator = Math.sqrt(vn1 + vn2);
  if (denominator === 0 && difference === 0) {
    throw invalidArgument(
      'reference, current',
      'two constant samples with equal values',
      'samples with some variance',
    );
  }
  const statistic = difference / denominator;
  const pValue = Number.isFinite(statistic) ? 2 * studentTSf(Math.abs(statistic), df) : 0;
  return { statistic, pValue: Math.min(pValue, 1), df };
}
