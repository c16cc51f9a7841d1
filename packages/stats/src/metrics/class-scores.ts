/** Scores split by true class and sorted ascending: the one sort that ranking metrics share. */
import { sortFloat64 } from '../sort-float64.js';
import type { NumericInput } from '../validate-input.js';

export interface ClassScores {
  /** Scores of the positive examples, ascending. */
  readonly positive: Float64Array;
  /** Scores of the negative examples, ascending. */
  readonly negative: Float64Array;
}

/**
 * Two typed-array radix sorts (one per class) instead of one comparator sort of index pairs:
 * this is what keeps rocAuc on 1M scores well under scikit-learn's time.
 */
export function classScores(labels: Uint8Array, scores: NumericInput): ClassScores {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] as number;
  const positive = new Float64Array(positives);
  const negative = new Float64Array(labels.length - positives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    // +0 turns -0 into 0 so that equal scores sort next to each other.
    if (labels[i] === 1) positive[p++] = (scores[i] as number) + 0;
    else negative[n++] = (scores[i] as number) + 0;
  }
  return { positive: sortFloat64(positive), negative: sortFloat64(negative) };
}
