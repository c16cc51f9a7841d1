/** Average precision for binary labels (sklearn.metrics.average_precision_score). */
import { StatsError, StatsErrorCodes } from '../errors.js';
import type { NumericInput } from '../validate-input.js';
import { labelsAndScores } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';
import { classScores } from './class-scores.js';

/**
 * AP = Σ (R_k − R_{k−1}) · P_k over the distinct score thresholds, highest first (no
 * interpolation), as scikit-learn computes it. Needs at least one positive label.
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.8333...
 */
export function averagePrecision(labels: BinaryLabels, scores: NumericInput): number {
  const y = labelsAndScores(labels, scores);
  const { positive, negative } = classScores(y, scores);
  const total = positive.length;
  if (total === 0) {
    throw new StatsError(StatsErrorCodes.SINGLE_CLASS, 'averagePrecision needs a positive label', {
      metric: 'averagePrecision',
      positives: 0,
      negatives: negative.length,
    });
  }
  // Walk both sorted arrays from the top score down, one step per distinct threshold.
  let i = positive.length - 1;
  let j = negative.length - 1;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  while (i >= 0 || j >= 0) {
    const pv = i >= 0 ? (positive[i] as number) : -Infinity;
    const nv = j >= 0 ? (negative[j] as number) : -Infinity;
    const v = pv >= nv ? pv : nv;
    const tpBefore = tp;
    while (i >= 0 && positive[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && negative[j] === v) {
      fp++;
      j--;
    }
    if (tp > tpBefore) ap += ((tp - tpBefore) / total) * (tp / (tp + fp));
  }
  return ap;
}
