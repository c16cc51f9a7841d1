/** Validation and sums shared by the regression metrics: two finite vectors of the same length. */
import { sum } from 'simple-statistics';
import { assertFinite, assertMinLength, assertSameLength } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/** Checks `actual` and `predicted`: non-empty, finite, same length. */
export function checkRegressionPair(actual: NumericInput, predicted: NumericInput): void {
  assertMinLength(actual, 'actual');
  assertSameLength(actual, predicted, 'actual', 'predicted');
  assertFinite(actual, 'actual');
  assertFinite(predicted, 'predicted');
}

/** Per-row values of `f(actual[i], predicted[i])` as a plain array. */
export function rowTerms(
  actual: NumericInput,
  predicted: NumericInput,
  f: (a: number, p: number) => number,
): number[] {
  const out = new Array<number>(actual.length);
  for (let i = 0; i < actual.length; i++) out[i] = f(actual[i] as number, predicted[i] as number);
  return out;
}

/**
 * simple-statistics' (compensated) sum, except where a term overflowed (|error| ≳ 1e154
 * squared): its compensation then reads ∞ − ∞ = NaN, where scikit-learn answers ±inf. The terms
 * come from finite inputs, so NaN means overflow: the plain sum gives what numpy gives.
 */
export function termSum(terms: readonly number[]): number {
  const total = sum(terms as number[]);
  return Number.isNaN(total) ? terms.reduce((plain, term) => plain + term, 0) : total;
}

/** The mean of `terms` (see termSum). */
export function termMean(terms: readonly number[]): number {
  return termSum(terms) / terms.length;
}
