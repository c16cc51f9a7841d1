/** Share of correct predictions (sklearn.metrics.accuracy_score). */
import type { BinaryLabels } from './binary-input.js';
import { confusionMatrix } from './confusion-matrix.js';

/**
 * (tp + tn) / n for 0/1 labels and predictions.
 * @example accuracy([0, 1, 1, 0], [0, 1, 0, 0]) // 0.75
 */
export function accuracy(labels: BinaryLabels, predicted: BinaryLabels): number {
  const { tn, fp, fn, tp } = confusionMatrix(labels, predicted);
  return (tp + tn) / (tn + fp + fn + tp);
}
