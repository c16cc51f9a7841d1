/** Binary confusion matrix (sklearn.metrics.confusion_matrix with labels [0, 1]). */
import { labelPairs } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';

export interface ConfusionMatrix {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
  /** [[tn, fp], [fn, tp]]: rows are true labels, columns predicted labels (scikit-learn's layout). */
  readonly matrix: readonly [readonly [number, number], readonly [number, number]];
}

/**
 * Counts of true/false positives/negatives for 0/1 labels and predictions.
 * @example confusionMatrix([0, 1, 1], [0, 1, 0]) // { tn: 1, fp: 0, fn: 1, tp: 1, … }
 */
export function confusionMatrix(labels: BinaryLabels, predicted: BinaryLabels): ConfusionMatrix {
  const [y, p] = labelPairs(labels, predicted);
  // Index 2·label + prediction: 0 = tn, 1 = fp, 2 = fn, 3 = tp.
  const cells = [0, 0, 0, 0];
  for (let i = 0; i < y.length; i++) {
    const k = 2 * (y[i] as number) + (p[i] as number);
    cells[k] = (cells[k] as number) + 1;
  }
  const [tn, fp, fn, tp] = cells as [number, number, number, number];
  return Object.freeze({
    tn,
    fp,
    fn,
    tp,
    matrix: Object.freeze([
      Object.freeze([tn, fp] as const),
      Object.freeze([fn, tp] as const),
    ] as const),
  });
}

/** numerator / denominator, or 0 when the denominator is 0 (scikit-learn's zero_division=0). */
export function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
