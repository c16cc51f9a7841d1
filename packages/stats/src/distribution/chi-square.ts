/** Pearson chi-square and G (log-likelihood) goodness-of-fit tests (scipy.stats.power_divergence). */
import { chi2Sf } from '../special/gamma.js';
import {
  assertFinite,
  assertMinLength,
  assertSameLength,
  invalidArgument,
} from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
}

export interface ChiSquareOptions {
  /**
   * "Delta degrees of freedom": dof = k − 1 − ddof.
   * @default 0
   */
  readonly ddof?: number;
}

/** Relative tolerance scipy allows between the sums of observed and expected counts. */
const SUM_RTOL = 1e-8;

function checkedExpected(observed: NumericInput, expected: NumericInput | undefined): Float64Array {
  assertMinLength(observed, 'observed');
  assertFinite(observed, 'observed');
  const k = observed.length;
  let obsSum = 0;
  for (let i = 0; i < k; i++) {
    const v = observed[i] as number;
    if (v < 0) throw invalidArgument(`observed[${i}]`, v, 'a non-negative count');
    obsSum += v;
  }
  if (!(obsSum > 0)) throw invalidArgument('observed', obsSum, 'counts with a positive total');
  if (expected === undefined) return new Float64Array(k).fill(obsSum / k);
  assertSameLength(observed, expected, 'observed', 'expected');
  assertFinite(expected, 'expected');
  const exp = Float64Array.from(expected);
  let expSum = 0;
  for (let i = 0; i < k; i++) {
    const v = exp[i] as number;
    if (!(v > 0)) throw invalidArgument(`expected[${i}]`, v, 'a positive expected count');
    expSum += v;
  }
  if (Math.abs(obsSum - expSum) / Math.min(obsSum, expSum) > SUM_RTOL) {
    throw invalidArgument('expected', expSum, `counts summing to the observed total ${obsSum}`);
  }
  return exp;
}

/** k − 1 − ddof, which must leave at least one degree of freedom. */
function degreesOfFreedom(k: number, ddof: number | undefined): number {
  const d = ddof ?? 0;
  if (!Number.isInteger(d) || d < 0 || k - 1 - d < 1) {
    throw invalidArgument(
      'ddof',
      d,
      `an integer in [0, ${k - 2}] (k − 1 − ddof ≥ 1 for ${k} categories)`,
    );
  }
  return k - 1 - d;
}

/**
 * Pearson's chi-square test (scipy.stats.chisquare). Without `expected`, all categories are
 * equally likely. dof = k − 1 − ddof.
 * @throws StatsError EMPTY_SAMPLE, NON_FINITE, LENGTH_MISMATCH, INVALID_ARGUMENT (negative or
 *   all-zero counts, non-positive expected counts, sums differing by more than 1e-8 relative,
 *   ddof leaving no degree of freedom).
 * @example chiSquare([10, 20, 30]) // { statistic: 10, pValue: 0.00673…, dof: 2 }
 */
export function chiSquare(
  observed: NumericInput,
  expected?: NumericInput,
  options: ChiSquareOptions = {},
): ChiSquareResult {
  const exp = checkedExpected(observed, expected);
  const dof = degreesOfFreedom(exp.length, options.ddof);
  let statistic = 0;
  for (let i = 0; i < exp.length; i++) {
    const d = (observed[i] as number) - (exp[i] as number);
    statistic += (d * d) / (exp[i] as number);
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}

/**
 * G-test of goodness of fit (scipy.stats.power_divergence with lambda_='log-likelihood'),
 * 2·Σ o·ln(o/e) with empty categories contributing 0.
 * @throws StatsError as for `chiSquare`.
 */
export function gTest(
  observed: NumericInput,
  expected?: NumericInput,
  options: ChiSquareOptions = {},
): ChiSquareResult {
  const exp = checkedExpected(observed, expected);
  const dof = degreesOfFreedom(exp.length, options.ddof);
  let statistic = 0;
  for (let i = 0; i < exp.length; i++) {
    const o = observed[i] as number;
    if (o > 0) statistic += 2 * o * Math.log(o / (exp[i] as number));
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}
