/** Precision, recall and F1 of the positive class (sklearn precision_recall_fscore_support, binary). */
import type { BinaryLabels } from './binary-input.js';
import { confusionMatrix, ratioOrZero } from './confusion-matrix.js';

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * precision = tp / (tp + fp), recall = tp / (tp + fn), F1 their harmonic mean. A ratio with a
 * zero denominator is 0 (scikit-learn's zero_division=0), so the result is never NaN.
 * @example precisionRecallF1([0, 1, 1, 1], [1, 1, 1, 0]) // { precision: 0.666…, recall: 0.666…, f1: 0.666… }
 */
export function precisionRecallF1(
  labels: BinaryLabels,
  predicted: BinaryLabels,
): PrecisionRecallF1 {
  const { fp, fn, tp } = confusionMatrix(labels, predicted);
  const precision = ratioOrZero(tp, tp + fp);
  const recall = ratioOrZero(tp, tp + fn);
  const f1 = ratioOrZero(2 * precision * recall, precision + recall);
  return Object.freeze({ precision, recall, f1 });
}
