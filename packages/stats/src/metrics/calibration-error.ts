/** Expected calibration error and the reliability curve (sklearn calibration_curve, uniform bins). */
import { invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';
import { labelsAndProbabilities } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';

export interface CalibrationOptions {
  /**
   * Number of equal-width probability bins over [0, 1].
   * @default 10
   */
  readonly bins?: number;
}

/** One non-empty bin of the reliability curve. */
export interface ReliabilityBin {
  /** Lower and upper edge of the bin (a probability equal to an inner edge falls in the lower bin). */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability in the bin (scikit-learn's prob_pred). */
  readonly meanPredicted: number;
  /** Share of positive labels in the bin (scikit-learn's prob_true). */
  readonly fractionPositive: number;
}

export interface CalibrationResult {
  /** Σ (count / n) · |fractionPositive − meanPredicted| over the non-empty bins. */
  readonly ece: number;
  /** Non-empty bins in increasing order of probability. */
  readonly curve: readonly ReliabilityBin[];
}

/**
 * ECE of predicted probabilities against 0/1 labels, with the reliability curve scikit-learn's
 * `calibration_curve(y, p, n_bins=bins, strategy='uniform')` returns.
 * @example expectedCalibrationError([0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4], { bins: 5 }).ece // 0.25
 */
export function expectedCalibrationError(
  labels: BinaryLabels,
  probs: NumericInput,
  options: CalibrationOptions = {},
): CalibrationResult {
  const y = labelsAndProbabilities(labels, probs);
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1) {
    throw invalidArgument('options.bins', bins, 'a positive integer');
  }
  // numpy.linspace(0, 1, bins + 1): edge i is i · (1 / bins), the last edge exactly 1.
  const step = 1 / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
  const total = new Float64Array(bins);
  const positives = new Float64Array(bins);
  const sums = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const p = probs[i] as number;
    // searchsorted(edges[1:-1], p, side='left'): the first inner edge ≥ p.
    let k = Math.min(Math.max(Math.ceil(p * bins) - 1, 0), bins - 1);
    while (k > 0 && p <= (edges[k] as number)) k--;
    while (k < bins - 1 && p > (edges[k + 1] as number)) k++;
    total[k] = (total[k] as number) + 1;
    positives[k] = (positives[k] as number) + (y[i] as number);
    sums[k] = (sums[k] as number) + p;
  }
  const curve: ReliabilityBin[] = [];
  let ece = 0;
  for (let k = 0; k < bins; k++) {
    const count = total[k] as number;
    if (count === 0) continue;
    const meanPredicted = (sums[k] as number) / count;
    const fractionPositive = (positives[k] as number) / count;
    ece += (count / y.length) * Math.abs(fractionPositive - meanPredicted);
    curve.push(
      Object.freeze({
        lower: edges[k] as number,
        upper: edges[k + 1] as number,
        count,
        meanPredicted,
        fractionPositive,
      }),
    );
  }
  return Object.freeze({ ece, curve: Object.freeze(curve) });
}
