/**
 * Label (target) drift: the ground truth of the labelled predictions of the current window
 * against the reference window's, with the default test columnDrift picks, as prediction drift
 * is. Quality metrics show the model got worse; this shows the outcome itself moved (more
 * defaults, another class mix), which a model can meet with unchanged inputs.
 */
import { compareColumn, type ColumnDriftResult, type ReportIssue } from './drift-analysis.js';
import type { LabelSample } from './labelled-outcomes.js';

type Windows = 'reference' | 'current';

/**
 * Compared as numbers when every label of both windows reads as one (a 0/1 class, a regression
 * target: as text each distinct value of a regression target is its own category), as classes
 * otherwise. Null, with an issue per window lacking labels, when a window with predictions has
 * no label; null without one when a window is empty (its `empty-window` issue says it).
 */
export function analyseLabelDrift(
  labels: Readonly<Record<Windows, LabelSample>>,
  predictions: Readonly<Record<Windows, number>>,
  issues: ReportIssue[],
): ColumnDriftResult | null {
  if (predictions.reference === 0 || predictions.current === 0) return null;
  const lacking = (['reference', 'current'] as const).filter((w) => labels[w].texts.length === 0);
  for (const window of lacking) {
    issues.push({
      reason: `missing-in-${window}`,
      column: 'label',
      kind: 'label',
      message: `no prediction in the ${window} window has a label (${predictions[window]} predictions): no label drift`,
    });
  }
  if (lacking.length > 0) return null;
  const { reference, current } = labels;
  return reference.worded === 0 && current.worded === 0
    ? compareColumn('label', 'label', 'numeric', reference.values, current.values)
    : compareColumn('label', 'label', 'categorical', reference.texts, current.texts);
}
