/** Pearson chi-square and G (log-likelihood) goodness-of-fit tests (scipy.stats.power_divergence). */
import { chi2Sf } from '../special/gamma.js';
import { assertFinite, assertMinLength, assertSameLength, invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
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

/**
 * Pearson's chi-square test (scipy.stats.chisquare). Without `expected`, all categories are
 * equally likely. dof = k − 1 − ddof.
 */
export function chiSquare(
  observed: NumericInput,
  expected?: NumericInput,
  options: { ddof?: number } = {},
): ChiSquareResult {
  const exp = checkedExpected(observed, expected);
  let statistic = 0;
  for (let i = 0; i < exp.length; i++) {
    const d = (observed[i] as number) - (exp[i] as number);
    statistic += (d * d) / (exp[i] as number);
  }
  const dof = exp.length - 1 - (options.ddof ?? 0);
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}

/** G-test of goodness of fit (scipy.stats.power_divergence with lambda_='log-likelihood'). */
export function gTest(
  observed: NumericInput,
  expected?: NumericInput,
  options: { ddof?: number } = {},
): ChiSquareResult {
  const exp = checkedExpected(observed, expected);
  let statistic = 0;
  for (let i = 0; i < exp.length; i++) {
    const o = observed[i] as number;
    if (o > 0) statistic += 2 * o * Math.log(o / (exp[i] as number));
  }
  const dof = exp.length - 1 - (options.ddof ?? 0);
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}
