/** Dataset-level drift from per-column results (Evidently's DatasetDriftMetric rule). */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { invalidArgument } from '../validate-input.js';

export interface DatasetDriftOptions {
  /**
   * The dataset drifts when at least this share of columns drifts.
   * @default 0.5
   */
  readonly share?: number;
}

export interface DatasetDriftResult {
  readonly numberOfColumns: number;
  readonly numberOfDriftedColumns: number;
  readonly shareOfDriftedColumns: number;
  /** The share threshold applied. */
  readonly share: number;
  readonly datasetDrift: boolean;
}

/**
 * Counts drifted columns; `datasetDrift` is true when their share is ≥ `share`.
 * @param columnResults results of `columnDrift`, as an array or keyed by column name.
 * @example datasetDrift({ a: columnDrift(r1, c1, { type: 'numeric' }), b: … }).datasetDrift
 */
export function datasetDrift(
  columnResults:
    | readonly { readonly drifted: boolean }[]
    | Readonly<Record<string, { readonly drifted: boolean }>>,
  options: DatasetDriftOptions = {},
): DatasetDriftResult {
  const share = options.share ?? 0.5;
  if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
    throw invalidArgument('options.share', share, 'a number in [0, 1]');
  }
  const results = Array.isArray(columnResults)
    ? (columnResults as readonly { readonly drifted: boolean }[])
    : Object.values(columnResults);
  if (results.length === 0) {
    throw new StatsError(
      StatsErrorCodes.EMPTY_SAMPLE,
      'columnResults must hold at least one column',
      {
        argument: 'columnResults',
      },
    );
  }
  let drifted = 0;
  results.forEach((r, i) => {
    if (typeof r?.drifted !== 'boolean') {
      throw invalidArgument(`columnResults[${i}].drifted`, r?.drifted, 'a boolean');
    }
    if (r.drifted) drifted++;
  });
  const shareOfDriftedColumns = drifted / results.length;
  return Object.freeze({
    numberOfColumns: results.length,
    numberOfDriftedColumns: drifted,
    shareOfDriftedColumns,
    share,
    datasetDrift: shareOfDriftedColumns >= share,
  });
}
