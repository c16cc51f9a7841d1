/** Counts of reference and current over the union of their values, aligned key by key. */
import type { CategoryValue, ColumnData } from './column-data.js';
import { unionKeys } from './column-data.js';

export interface AlignedCounts {
  /** Distinct values of reference ∪ current (reference first-seen order, then new current ones). */
  readonly keys: readonly CategoryValue[];
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Evidently's `{**dict.fromkeys(keys, 0), **dict(series.value_counts())}` for both columns. */
export function alignedCounts(ref: ColumnData, cur: ColumnData): AlignedCounts {
  const keys = unionKeys(ref, cur);
  const rc = ref.counts();
  const cc = cur.counts();
  return {
    keys,
    reference: Float64Array.from(keys, (k) => rc.get(k) ?? 0),
    current: Float64Array.from(keys, (k) => cc.get(k) ?? 0),
  };
}

/** Python's ordering of mixed keys as `sorted()` sees them: numbers (and booleans) numerically, strings by code point. */
export function compareKeys(a: CategoryValue, b: CategoryValue): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a !== 'string' && typeof b !== 'string') return Number(a) - Number(b);
  return typeof a === 'string' ? 1 : -1;
}
