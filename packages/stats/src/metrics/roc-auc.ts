/** Area under the ROC curve for binary labels (sklearn.metrics.roc_auc_score). */
import type { NumericInput } from '../validate-input.js';
import { assertBothClasses, labelsAndScores } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';
import { classScores } from './class-scores.js';

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counted
 * as one half. Equals scikit-learn's trapezoidal area (tied scores form one ROC segment).
 * Needs both classes (SINGLE_CLASS otherwise).
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 */
export function rocAuc(labels: BinaryLabels, scores: NumericInput): number {
  const y = labelsAndScores(labels, scores);
  const { positive, negative } = classScores(y, scores);
  assertBothClasses(positive.length, negative.length, 'rocAuc');
  // Twice the Mann-Whitney U count, an exact integer below 2^53 for any realistic size.
  let twiceU = 0;
  let below = 0;
  const m = negative.length;
  for (let i = 0; i < positive.length;) {
    const v = positive[i] as number;
    let j = i + 1;
    while (j < positive.length && positive[j] === v) j++;
    while (below < m && (negative[below] as number) < v) below++;
    let equal = below;
    while (equal < m && negative[equal] === v) equal++;
    twiceU += (j - i) * (2 * below + (equal - below));
    i = j;
  }
  return twiceU / (2 * positive.length * m);
}
