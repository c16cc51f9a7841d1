/** True-negative rate, recall of the negative class (sklearn recall_score with pos_label=0). */
import type { BinaryLabels } from './binary-input.js';
import { confusionMatrix, ratioOrZero } from './confusion-matrix.js';

/**
 * tn / (tn + fp); 0 when the labels hold no negative (scikit-learn's zero_division=0).
 * @example specificity([0, 0, 1], [0, 1, 1]) // 0.5
 */
export function specificity(labels: BinaryLabels, predicted: BinaryLabels): number {
  const { tn, fp } = confusionMatrix(labels, predicted);
  return ratioOrZero(tn, tn + fp);
}
