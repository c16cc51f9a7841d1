/** Mean absolute, root-mean-squared and mean absolute percentage errors (scikit-learn's definitions). */
import type { NumericInput } from '../validate-input.js';
import { checkRegressionPair, rowTerms, termMean as mean } from './regression-input.js';

/**
 * Mean absolute error (sklearn.metrics.mean_absolute_error).
 * @example mae([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.5
 */
export function mae(actual: NumericInput, predicted: NumericInput): number {
  checkRegressionPair(actual, predicted);
  return mean(rowTerms(actual, predicted, (a, p) => Math.abs(a - p)));
}

/**
 * Root of the mean squared error (sklearn mean_squared_error(squared=False)).
 * @example rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.6123...
 */
export function rmse(actual: NumericInput, predicted: NumericInput): number {
  checkRegressionPair(actual, predicted);
  return Math.sqrt(mean(rowTerms(actual, predicted, (a, p) => (a - p) * (a - p))));
}

/**
 * Mean absolute percentage error as a fraction, not percent
 * (sklearn.metrics.mean_absolute_percentage_error): mean of |a − p| / max(|a|, ε) with
 * ε = Number.EPSILON, so a zero actual value gives a huge but finite term.
 * @example mape([1, 2, 4], [1.1, 1.8, 4]) // 0.0666...
 */
export function mape(actual: NumericInput, predicted: NumericInput): number {
  checkRegressionPair(actual, predicted);
  return mean(
    rowTerms(actual, predicted, (a, p) => Math.abs(a - p) / Math.max(Math.abs(a), Number.EPSILON)),
  );
}
