/** Mann–Whitney U rank test (scipy.stats.mannwhitneyu, method 'auto'). */
import { normalSf } from '../special/normal.js';
import { invalidArgument } from '../validate-input.js';
import { sortedFinite } from './sorted-input.js';
import type { NumericInput } from '../validate-input.js';
import { mannWhitneyExactCdf } from './mann-whitney-exact.js';
import type { TestResult } from './test-result.js';

/** Which way the alternative hypothesis points (reference vs current). */
export type MannWhitneyAlternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitneyOptions {
  /**
   * 'greater': values of `reference` tend to be larger than those of `current`.
   * @default 'two-sided'
   */
  readonly alternative?: MannWhitneyAlternative;
  /**
   * Apply the 0.5 continuity correction in the normal approximation.
   * @default true
   */
  readonly useContinuity?: boolean;
}

/** scipy uses the exact distribution when one sample has at most this many values and no ties exist. */
const MAX_EXACT_SMALLER = 8;

interface RankSums {
  /** Sum of the pooled midranks of the first sample. */
  readonly rankSum: number;
  /** Σ (t³ − t) over the tie groups of the pooled sample. */
  readonly tieTerm: number;
}

function rankSums(x: Float64Array, y: Float64Array): RankSums {
  const nx = x.length;
  const ny = y.length;
  let rankSum = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  while (i < nx || j < ny) {
    const value = i < nx && (j >= ny || (x[i] as number) <= (y[j] as number)) ? x[i] : y[j];
    const i0 = i;
    const j0 = j;
    while (i < nx && x[i] === value) i++;
    while (j < ny && y[j] === value) j++;
    const t = i - i0 + (j - j0);
    rankSum += (i - i0) * ((i0 + j0 + 1 + i + j) / 2);
    tieTerm += t * t * t - t;
  }
  return { rankSum, tieTerm };
}

/**
 * Mann–Whitney U test. `statistic` is U of the reference sample; the p-value is exact when
 * one sample has at most 8 values and nothing is tied, otherwise from the tie-corrected normal
 * approximation. When every value is tied the test has no information and pValue is 1.
 * @throws StatsError EMPTY_SAMPLE, NON_FINITE, INVALID_ARGUMENT (unknown alternative).
 * @example mannWhitneyU([1, 2, 3], [4, 5, 6]) // { statistic: 0, pValue: 0.1 }
 */
export function mannWhitneyU(
  reference: NumericInput,
  current: NumericInput,
  options: MannWhitneyOptions = {},
): TestResult {
  const alternative = options.alternative ?? 'two-sided';
  if (alternative !== 'two-sided' && alternative !== 'less' && alternative !== 'greater') {
    throw invalidArgument('alternative', alternative, "'two-sided', 'less' or 'greater'");
  }
  const useContinuity = options.useContinuity ?? true;
  if (typeof useContinuity !== 'boolean')
    throw invalidArgument('useContinuity', useContinuity, 'a boolean');
  const x = sortedFinite(reference, 'reference');
  const y = sortedFinite(current, 'current');
  const n1 = x.length;
  const n2 = y.length;
  const { rankSum, tieTerm } = rankSums(x, y);
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;
  let p: number;
  if (Math.min(n1, n2) <= MAX_EXACT_SMALLER && tieTerm === 0) {
    p = mannWhitneyExactCdf(n1 * n2 - u, n1, n2);
  } else {
    const n = n1 + n2;
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const numerator = u - (n1 * n2) / 2 - (useContinuity ? 0.5 : 0);
    // All values tied: sd = 0 and U is its mean, so the data carry no evidence either way.
    p = sd > 0 ? normalSf(numerator / sd) : 1;
  }
  return { statistic: u1, pValue: Math.min(Math.max(p * factor, 0), 1) };
}
