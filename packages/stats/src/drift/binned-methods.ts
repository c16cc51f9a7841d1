/** Drift scores on binned shares: psi, kl_div, jensenshannon, and Evidently's numeric hellinger. */
import { jensenShannonDistance } from '../distribution/jensen-shannon.js';
import { klDivergence } from '../distribution/kl-divergence.js';
import { psi } from '../distribution/psi.js';
import { binShares, histogramCounts, sturgesEdges } from './binning.js';
import type { ColumnData } from './column-data.js';

/** Evidently's `psi`: Σ (ref − cur)·ln(ref / cur) over shares with empty bins filled. */
export function psiScore(ref: ColumnData, cur: ColumnData): number {
  const s = binShares(ref, cur, true);
  return psi(s.reference, s.current);
}

/** Evidently's `kl_div`: scipy.stats.entropy(ref shares, cur shares) with empty bins filled. */
export function klDivScore(ref: ColumnData, cur: ColumnData): number {
  const s = binShares(ref, cur, true);
  return klDivergence(s.reference, s.current);
}

/** Evidently's `jensenshannon`: scipy's Jensen–Shannon distance (natural log), no filling. */
export function jensenShannonScore(ref: ColumnData, cur: ColumnData): number {
  const s = binShares(ref, cur, false);
  return jensenShannonDistance(s.reference, s.current);
}

/** Distinct values of two sorted arrays, merged (Evidently's `set(ref) | set(cur)` for numbers). */
function sortedUnionDistinct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const v = (
      i < a.length && (j >= b.length || (a[i] as number) <= (b[j] as number)) ? a[i] : b[j]
    ) as number;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    out[k++] = v;
  }
  return out.subarray(0, k);
}

/** numpy.histogram(values, edges, density=True): counts / bin width / total. */
function densities(sorted: Float64Array, edges: Float64Array): Float64Array {
  const counts = histogramCounts(sorted, edges);
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c, i) => c / ((edges[i + 1] as number) - (edges[i] as number)) / total);
}

/**
 * Evidently's numeric `hellinger`: Sturges bins over the distinct values of reference ∪ current,
 * density histograms, Σ sqrt(h_ref · h_cur) · (max − min) / bins, then sqrt(1 − clip(·, 0, 1)).
 * Like Evidently, a column holding one value on both sides scores 1 (its bin width is 0).
 */
export function hellingerNumericScore(ref: ColumnData, cur: ColumnData): number {
  const keys = sortedUnionDistinct(ref.sorted(), cur.sorted());
  const min = keys[0] as number;
  const max = keys[keys.length - 1] as number;
  const edges = sturgesEdges(min, max, keys.length);
  const h1 = densities(ref.sorted(), edges);
  const h2 = densities(cur.sorted(), edges);
  const width = (max - min) / h1.length;
  let bc = 0;
  for (let i = 0; i < h1.length; i++)
    bc += Math.sqrt((h1[i] as number) * (h2[i] as number)) * width;
  return Math.sqrt(1 - Math.min(Math.max(bc, 0), 1));
}
