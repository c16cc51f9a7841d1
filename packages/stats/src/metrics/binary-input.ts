/** Validation shared by the binary-classification metrics: paired labels and scores/predictions. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import {
  assertFinite,
  assertSameLength,
  binaryLabels,
  invalidArgument,
} from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/** Binary labels: 0/1 numbers or booleans. */
export type BinaryLabels = ArrayLike<number | boolean>;

/** Checks labels (0/1) and finite scores of the same length. */
export function labelsAndScores(
  labels: BinaryLabels,
  scores: NumericInput,
  scoresName = 'scores',
): Uint8Array {
  const y = binaryLabels(labels, 'labels');
  assertSameLength(labels, scores, 'labels', scoresName);
  assertFinite(scores, scoresName);
  return y;
}

/** Checks labels (0/1) and probabilities in [0, 1] of the same length. */
export function labelsAndProbabilities(labels: BinaryLabels, probs: NumericInput): Uint8Array {
  const y = labelsAndScores(labels, probs, 'probs');
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] as number;
    if (p < 0 || p > 1) throw invalidArgument(`probs[${i}]`, p, 'a probability in [0, 1]');
  }
  return y;
}

/** Checks two paired label vectors (true and predicted, both 0/1). */
export function labelPairs(
  labels: BinaryLabels,
  predicted: BinaryLabels,
): [Uint8Array, Uint8Array] {
  const y = binaryLabels(labels, 'labels');
  assertSameLength(labels, predicted, 'labels', 'predicted');
  return [y, binaryLabels(predicted, 'predicted')];
}

/** Throws SINGLE_CLASS when a metric needs both classes and one of them is missing. */
export function assertBothClasses(positives: number, negatives: number, metric: string): void {
  if (positives === 0 || negatives === 0) {
    throw new StatsError(
      StatsErrorCodes.SINGLE_CLASS,
      `${metric} needs both classes in labels, got ${positives} positive and ${negatives} negative`,
      { metric, positives, negatives },
    );
  }
}
