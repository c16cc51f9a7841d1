/** Model quality of one window from its labelled outcomes (binary classification). */
import { precisionRecallF1, rocAuc } from '@driftwatch/stats';
import type { LabelledOutcomes } from './labelled-outcomes.js';

export interface PerformanceResult {
  /** ROC AUC; null when the window lacks scores or one class. */
  readonly auc: number | null;
  /** Precision, recall, F1: null when no labelled prediction has a 0/1 class (or score). */
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  /** Predictions in the window that have a label. */
  readonly labelled: number;
}

export function analysePerformance(outcomes: LabelledOutcomes): PerformanceResult {
  const { labelled } = outcomes;
  if (outcomes.labels.length === 0)
    return { auc: null, precision: null, recall: null, f1: null, labelled };
  const labels = Array.from(outcomes.labels);
  const positives = labels.reduce((sum, label) => sum + label, 0);
  const scored = outcomes.scores.every((score) => Number.isFinite(score));
  const auc =
    scored && positives > 0 && positives < labels.length
      ? rocAuc(labels, Array.from(outcomes.scores))
      : null;
  // Precision, recall and F1 over the outcomes whose predicted class is known (not NaN).
  const classified = labels.flatMap((label, i) => {
    const predicted = outcomes.predicted[i]!;
    return Number.isNaN(predicted) ? [] : [[label, predicted] as const];
  });
  if (classified.length === 0) return { auc, precision: null, recall: null, f1: null, labelled };
  const { precision, recall, f1 } = precisionRecallF1(
    classified.map(([label]) => label),
    classified.map(([, predicted]) => predicted),
  );
  return { auc, precision, recall, f1, labelled };
}
