/** Coefficient of determination (sklearn.metrics.r2_score). */
import { mean, sum } from 'simple-statistics';
import type { NumericInput } from '../validate-input.js';
import { checkRegressionPair, rowTerms } from './regression-input.js';

/**
 * R² = 1 − SS_res / SS_tot. A constant `actual` gives 1 for a perfect prediction and 0
 * otherwise (scikit-learn's force_finite=True), so the result is never NaN or −∞.
 * @example r2([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.9486...
 */
export function r2(actual: NumericInput, predicted: NumericInput): number {
  checkRegressionPair(actual, predicted);
  const center = mean(Array.from(actual));
  const ssRes = sum(rowTerms(actual, predicted, (a, p) => (a - p) * (a - p)));
  const ssTot = sum(rowTerms(actual, actual, (a) => (a - center) * (a - center)));
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
