/**
 * Data drift (per feature) and prediction drift of a current window against a reference
 * window, with packages/stats' Evidently-compatible default test per column. A column that
 * cannot be compared is named in an issue, never left out silently.
 */
import { columnDrift } from '@driftwatch/stats';
import type { WindowSamples } from './window-samples.js';

export interface ColumnDriftResult {
  readonly name: string;
  /** `feature`, `prediction`, or `label` (the ground truth: label-drift.ts). */
  readonly kind: 'feature' | 'prediction' | 'label';
  readonly type: 'numeric' | 'categorical';
  /** Evidently method id (`ks`, `wasserstein`, `jensenshannon`, `chisquare`, `z`, …). */
  readonly test: string;
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly referenceCount: number;
  readonly currentCount: number;
}

/** Why a window or a column has no drift result. */
export interface ReportIssue {
  /**
   * Stable reason: `empty-window` (no prediction in `window`), `type-mismatch` (the column is
   * numeric in one window and text in the other, or also has values of a type the other window
   * lacks: compared on the type both have), `missing-in-reference` /
   * `missing-in-current` (the column has no value in that window while it has predictions),
   * `reduced-sample` (a model too wide for maxWindowSamples per column: every column sampled
   * to fewer values, said in the message). For the score and the label, `missing-in-…` means no
   * prediction of that window has one.
   */
  readonly reason:
    | 'empty-window'
    | 'type-mismatch'
    | 'missing-in-reference'
    | 'missing-in-current'
    | 'reduced-sample';
  readonly window?: 'reference' | 'current';
  readonly column?: string;
  readonly kind?: ColumnDriftResult['kind'];
  readonly message: string;
}

export interface DriftAnalysis {
  /** Features compared (sorted by name, numeric before text), then the prediction. */
  readonly columns: ColumnDriftResult[];
  readonly issues: ReportIssue[];
}

type Windows = 'reference' | 'current';
type ColumnType = ColumnDriftResult['type'];

/** One column's default test (columnDrift), shaped for the report. */
export function compareColumn(
  name: string,
  kind: ColumnDriftResult['kind'],
  type: ColumnType,
  reference: Float64Array | string[],
  current: Float64Array | string[],
): ColumnDriftResult {
  const result = columnDrift(reference, current, { type });
  return {
    name,
    kind,
    type,
    test: result.method,
    score: result.score,
    threshold: result.threshold,
    drifted: result.drifted,
    referenceCount: reference.length,
    currentCount: current.length,
  };
}

const typeWord = (type: ColumnType) => (type === 'numeric' ? 'numeric' : 'text');

function valuesOf(samples: WindowSamples, type: ColumnType, name: string) {
  return type === 'numeric' ? samples.numeric.get(name) : samples.categorical.get(name);
}

/** Both windows have values of `name` as `type`. */
function comparable(windows: Record<Windows, WindowSamples>, type: ColumnType, name: string) {
  return (
    (valuesOf(windows.reference, type, name)?.length ?? 0) > 0 &&
    (valuesOf(windows.current, type, name)?.length ?? 0) > 0
  );
}

/**
 * Compares every feature seen in either window. A feature numeric in one window and text in
 * the other, or without values in a window that has predictions, gets an issue instead: it was
 * dropped unreported, and a feature the service stopped sending looked like one without drift.
 */
function featureDrift(
  windows: Record<Windows, WindowSamples>,
  issues: ReportIssue[],
): ColumnDriftResult[] {
  const results: ColumnDriftResult[] = [];
  const mismatched = new Set<string>();
  for (const type of ['numeric', 'categorical'] as const) {
    const other: ColumnType = type === 'numeric' ? 'categorical' : 'numeric';
    const names = new Set([
      ...(type === 'numeric' ? windows.reference.numeric : windows.reference.categorical).keys(),
      ...(type === 'numeric' ? windows.current.numeric : windows.current.categorical).keys(),
    ]);
    for (const name of [...names].sort()) {
      const reference = valuesOf(windows.reference, type, name);
      const current = valuesOf(windows.current, type, name);
      if (comparable(windows, type, name)) {
        results.push(compareColumn(name, 'feature', type, reference!, current!));
        continue;
      }
      const [has, lacks]: [Windows, Windows] = reference
        ? ['reference', 'current']
        : ['current', 'reference'];
      // An empty window is one issue of its own, not one per feature.
      if (windows[lacks].count === 0) continue;
      if (comparable(windows, other, name)) {
        // Mixed: compared as its other type, whose values both windows have; these are not.
        issues.push({
          reason: 'type-mismatch',
          column: name,
          kind: 'feature',
          message: `feature "${name}" also has ${typeWord(type)} values in the ${has} window, none in the ${lacks} window: it is compared on its ${typeWord(other)} values alone`,
        });
      } else if (valuesOf(windows[lacks], other, name)) {
        if (mismatched.has(name)) continue;
        mismatched.add(name);
        issues.push({
          reason: 'type-mismatch',
          column: name,
          kind: 'feature',
          message: `feature "${name}" is ${typeWord(type)} in the ${has} window and ${typeWord(other)} in the ${lacks} window: not compared`,
        });
      } else {
        issues.push({
          reason: `missing-in-${lacks}`,
          column: name,
          kind: 'feature',
          message: `feature "${name}" has no value in the ${lacks} window (${windows[lacks].count} predictions): not compared`,
        });
      }
    }
  }
  return results;
}

/**
 * Prediction drift: on the score when both windows have scores; otherwise on the predictions,
 * as numbers when every prediction of both windows reads as one (a regression value: compared
 * as text, every distinct value was its own category and identical distributions drifted),
 * as categories otherwise.
 */
function predictionDrift(
  windows: Record<Windows, WindowSamples>,
  issues: ReportIssue[],
): ColumnDriftResult | undefined {
  const { reference, current } = windows;
  if (reference.count === 0 || current.count === 0) return undefined;
  if (reference.scores.length > 0 && current.scores.length > 0) {
    return compareColumn('score', 'prediction', 'numeric', reference.scores, current.scores);
  }
  if (reference.scores.length > 0 || current.scores.length > 0) {
    const lacks: Windows = reference.scores.length > 0 ? 'current' : 'reference';
    issues.push({
      reason: `missing-in-${lacks}`,
      column: 'score',
      kind: 'prediction',
      message: `no prediction in the ${lacks} window has a score: the predictions are compared instead`,
    });
  }
  return reference.wordedPredictions === 0 && current.wordedPredictions === 0
    ? compareColumn(
        'prediction',
        'prediction',
        'numeric',
        reference.predictionValues,
        current.predictionValues,
      )
    : compareColumn(
        'prediction',
        'prediction',
        'categorical',
        reference.predictions,
        current.predictions,
      );
}

/** Drift of the features seen in either window, then of the prediction. */
export function analyseDrift(reference: WindowSamples, current: WindowSamples): DriftAnalysis {
  const windows = { reference, current };
  const issues: ReportIssue[] = [];
  const columns = featureDrift(windows, issues);
  const prediction = predictionDrift(windows, issues);
  if (prediction) columns.push(prediction);
  return { columns, issues };
}
