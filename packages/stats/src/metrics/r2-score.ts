/** Coefficient of determination (sklearn.metrics.r2_score). */
import type { NumericInput } from '../validate-input.js';
import { checkRegressionPair, rowTerms, termMean, termSum } from './regression-input.js';

/**
 * R² = 1 − SS_res / SS_tot. A constant `actual` gives 1 for a perfect prediction and 0
 * otherwise (scikit-learn's force_finite=True) instead of NaN or −∞. Squared errors that
 * overflow (|values| ≳ 1e154) give −∞ or NaN, as in scikit-learn.
 * @example r2([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.9486...
 */
export function r2(actual: NumericInput, predicted: NumericInput): number {
  checkRegressionPair(actual, predicted);
  const center = termMean(Array.from(actual));
  const ssRes = termSum(rowTerms(actual, predicted, (a, p) => (a - p) * (a - p)));
  const ssTot = termSum(rowTerms(actual, actual, (a) => (a - center) * (a - center)));
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
