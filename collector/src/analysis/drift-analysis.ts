/**
 * Data drift (per feature) and prediction drift of a current window against a reference
 * window, with packages/stats' Evidently-compatible default test per column.
 */
import { columnDrift } from '@driftwatch/stats';
import type { WindowSamples } from './window-samples.js';

export interface ColumnDriftResult {
  readonly name: string;
  /** `feature` or `prediction`. */
  readonly kind: 'feature' | 'prediction';
  readonly type: 'numeric' | 'categorical';
  /** Evidently method id (`ks`, `wasserstein`, `jensenshannon`, `chisquare`, `z`, …). */
  readonly test: string;
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly referenceCount: number;
  readonly currentCount: number;
}

function compare(
  name: string,
  kind: ColumnDriftResult['kind'],
  type: ColumnDriftResult['type'],
  reference: Float64Array | string[],
  current: Float64Array | string[],
): ColumnDriftResult | undefined {
  if (reference.length === 0 || current.length === 0) return undefined;
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

/** One result per feature seen in both windows (sorted by name), then the prediction. */
export function analyseDrift(
  reference: WindowSamples,
  current: WindowSamples,
): ColumnDriftResult[] {
  const results: ColumnDriftResult[] = [];
  for (const name of [...reference.numeric.keys()].sort()) {
    const result = compare(
      name,
      'feature',
      'numeric',
      reference.numeric.get(name)!,
      current.numeric.get(name) ?? new Float64Array(),
    );
    if (result) results.push(result);
  }
  for (const name of [...reference.categorical.keys()].sort()) {
    const result = compare(
      name,
      'feature',
      'categorical',
      reference.categorical.get(name)!,
      current.categorical.get(name) ?? [],
    );
    if (result) results.push(result);
  }
  const prediction =
    reference.scores.length > 0
      ? compare('score', 'prediction', 'numeric', reference.scores, current.scores)
      : compare(
          'prediction',
          'prediction',
          'categorical',
          reference.predictions,
          current.predictions,
        );
  if (prediction) results.push(prediction);
  return results;
}
