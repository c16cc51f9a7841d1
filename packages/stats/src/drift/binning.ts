/** Evidently's `get_binned_data`: bin shares of reference and current for psi, kl_div and jensenshannon. */
import type { ColumnData } from './column-data.js';
import { unionKeys } from './column-data.js';

export interface BinShares {
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Numeric columns with more distinct reference values than this are cut into Sturges bins. */
const MAX_VALUE_BINS = 20;
const EMPTY_SHARE = 0.0001;

/**
 * numpy's histogram_bin_edges(data, 'sturges'): ceil(range / (range / (log2 n + 1))) equal-width
 * bins between min and max (a single bin of width 1 when all values are equal).
 */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** numpy.histogram counts for sorted-or-not data and increasing edges (last bin closed). */
export function histogramCounts(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0] as number;
  const last = edges[bins] as number;
  const scale = bins / (last - first);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (x < first || x > last) continue;
    let k = Math.floor((x - first) * scale);
    if (k >= bins) k = bins - 1;
    if (k < 0) k = 0;
    while (k > 0 && x < (edges[k] as number)) k--;
    while (k < bins - 1 && x >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

function fillZeroes(shares: Float64Array): void {
  let minNonZero = Infinity;
  for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= EMPTY_SHARE ? minNonZero / 1e6 : EMPTY_SHARE;
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
}

/**
 * Shares per bin: numeric columns with more than 20 distinct reference values use Sturges bins
 * over reference ∪ current; otherwise one bin per distinct value. With `fillEmpty`, empty shares
 * become 0.0001 (or the smallest non-empty share / 1e6 when that is ≤ 0.0001).
 */
export function binShares(ref: ColumnData, cur: ColumnData, fillEmpty: boolean): BinShares {
  let reference: Float64Array;
  let current: Float64Array;
  if (ref.type === 'numeric' && ref.unique() > MAX_VALUE_BINS) {
    const rs = ref.sorted();
    const cs = cur.sorted();
    const min = Math.min(rs[0] as number, cs[0] as number);
    const max = Math.max(rs[rs.length - 1] as number, cs[cs.length - 1] as number);
    const edges = sturgesEdges(min, max, rs.length + cs.length);
    reference = histogramCounts(rs, edges).map((c) => c / rs.length);
    current = histogramCounts(cs, edges).map((c) => c / cs.length);
  } else {
    const keys = unionKeys(ref, cur);
    const rc = ref.counts();
    const cc = cur.counts();
    reference = Float64Array.from(keys, (k) => (rc.get(k) ?? 0) / ref.length);
    current = Float64Array.from(keys, (k) => (cc.get(k) ?? 0) / cur.length);
  }
  if (fillEmpty) {
    fillZeroes(reference);
    fillZeroes(current);
  }
  return { reference, current };
}
