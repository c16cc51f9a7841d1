/** Model quality of one window from its labelled outcomes (binary classification). */
import { precisionRecallF1, rocAuc } from '@driftwatch/stats';
import type { LabelledOutcomes } from './labelled-outcomes.js';

export interface PerformanceResult {
  /** ROC AUC; null when the window lacks scores or one class. */
  readonly auc: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  /** Predictions in the window that have a label. */
  readonly labelled: number;
}

export function analysePerformance(outcomes: LabelledOutcomes): PerformanceResult {
  const labelled = outcomes.labels.length;
  if (labelled === 0) return { auc: null, precision: null, recall: null, f1: null, labelled };
  const labels = Array.from(outcomes.labels);
  const positives = labels.reduce((sum, label) => sum + label, 0);
  const scored = outcomes.scores.every((score) => Number.isFinite(score));
  const auc =
    scored && positives > 0 && positives < labelled
      ? rocAuc(labels, Array.from(outcomes.scores))
      : null;
  const { precision, recall, f1 } = precisionRecallF1(labels, Array.from(outcomes.predicted));
  return { auc, precision, recall, f1, labelled };
}
