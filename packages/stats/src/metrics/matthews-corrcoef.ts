/** Matthews correlation coefficient for binary predictions (sklearn.metrics.matthews_corrcoef). */
import type { BinaryLabels } from './binary-input.js';
import { confusionMatrix } from './confusion-matrix.js';

/**
 * (tp·tn − fp·fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)), in scikit-learn's covariance form;
 * 0 when a marginal is empty (constant labels or predictions), as scikit-learn returns.
 * @example matthewsCorrcoef([1, 1, 0, 0], [1, 0, 0, 0]) // 0.5773...
 */
export function matthewsCorrcoef(labels: BinaryLabels, predicted: BinaryLabels): number {
  const { tn, fp, fn, tp } = confusionMatrix(labels, predicted);
  const n = tn + fp + fn + tp;
  const trueNeg = tn + fp;
  const truePos = fn + tp;
  const predNeg = tn + fn;
  const predPos = fp + tp;
  const covTruePred = (tp + tn) * n - (trueNeg * predNeg + truePos * predPos);
  const covPredPred = n * n - (predNeg * predNeg + predPos * predPos);
  const covTrueTrue = n * n - (trueNeg * trueNeg + truePos * truePos);
  if (covPredPred * covTrueTrue === 0) return 0;
  return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
}
