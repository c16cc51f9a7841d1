/** Evidently 0.4.x's default drift method for a column (`_get_default_stattest`). */
import type { ColumnData } from './column-data.js';
import { unionUnique } from './column-data.js';
import type { DriftMethod } from './drift-methods.js';

/** Evidently switches from tests to distances above this many reference rows. */
const SMALL_REFERENCE_ROWS = 1000;

/**
 * Reference ≤ 1000 rows: numeric → z (≤ 2 distinct values), chisquare (3–5), ks (more);
 * categorical → chisquare (> 2 distinct values) or z. Reference > 1000 rows: numeric →
 * jensenshannon (≤ 5 distinct values) or wasserstein; categorical → jensenshannon. Distinct
 * values are counted over reference ∪ current, as Evidently does.
 */
export function defaultDriftMethod(ref: ColumnData, cur: ColumnData): DriftMethod {
  // Only ≤ 2 and ≤ 5 matter, so counting stops at 6.
  const distinct = unionUnique(ref, cur, 5);
  if (ref.length <= SMALL_REFERENCE_ROWS) {
    if (ref.type === 'numeric' && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  if (ref.type === 'categorical') return 'jensenshannon';
  return distinct <= 5 ? 'jensenshannon' : 'wasserstein';
}
