/** Validation shared by the regression metrics: two finite vectors of the same length. */
import { assertFinite, assertMinLength, assertSameLength } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/** Checks `actual` and `predicted`: non-empty, finite, same length. */
export function checkRegressionPair(actual: NumericInput, predicted: NumericInput): void {
  assertMinLength(actual, 'actual');
  assertSameLength(actual, predicted, 'actual', 'predicted');
  assertFinite(actual, 'actual');
  assertFinite(predicted, 'predicted');
}

/** Per-row values of `f(actual[i], predicted[i])` as a plain array (simple-statistics' input). */
export function rowTerms(
  actual: NumericInput,
  predicted: NumericInput,
  f: (a: number, p: number) => number,
): number[] {
  const out = new Array<number>(actual.length);
  for (let i = 0; i < actual.length; i++) out[i] = f(actual[i] as number, predicted[i] as number);
  return out;
}
