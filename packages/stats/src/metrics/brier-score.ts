/** Brier score (sklearn.metrics.brier_score_loss). */
import { NeumaierSum } from '../special/neumaier-sum.js';
import type { NumericInput } from '../validate-input.js';
import { labelsAndProbabilities } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';

/**
 * Mean squared difference between the predicted probability of the positive class and the
 * 0/1 label.
 * @example brierScore([0, 1, 1], [0.1, 0.9, 0.6]) // 0.06
 */
export function brierScore(labels: BinaryLabels, probs: NumericInput): number {
  const y = labelsAndProbabilities(labels, probs);
  const acc = new NeumaierSum();
  for (let i = 0; i < y.length; i++) {
    const d = (y[i] as number) - (probs[i] as number);
    acc.add(d * d);
  }
  return acc.value() / y.length;
}
