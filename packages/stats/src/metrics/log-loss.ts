/** Binary cross-entropy (sklearn.metrics.log_loss with 1-D probabilities of the positive class). */
import { NeumaierSum } from '../special/neumaier-sum.js';
import { invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';
import { labelsAndProbabilities } from './binary-input.js';
import type { BinaryLabels } from './binary-input.js';

export interface LogLossOptions {
  /**
   * Probabilities are clipped to [eps, 1 − eps] before the logarithm.
   * @default Number.EPSILON (scikit-learn's eps="auto" for float64)
   */
  readonly eps?: number;
}

/**
 * Mean of −ln p(true class). Like scikit-learn, the clipped pair (1 − p, p) is renormalized to
 * sum 1 before the logarithm. Unlike scikit-learn, a single class in `labels` is allowed.
 * @example logLoss([0, 1], [0.1, 0.8]) // 0.1642...
 */
export function logLoss(
  labels: BinaryLabels,
  probs: NumericInput,
  options: LogLossOptions = {},
): number {
  const y = labelsAndProbabilities(labels, probs);
  const eps = options.eps ?? Number.EPSILON;
  if (!(eps >= 0 && eps < 0.5)) throw invalidArgument('options.eps', eps, 'a number in [0, 0.5)');
  const acc = new NeumaierSum();
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(Math.max(probs[i] as number, eps), 1 - eps);
    const q = 1 - p;
    const total = q + p;
    acc.add(-Math.log((y[i] === 1 ? p : q) / total));
  }
  return acc.value() / y.length;
}
