/** Wasserstein-1 and energy distance of two samples from one merge pass over their sorted values. */
import { sortedFinite } from './sorted-input.js';
import type { NumericInput } from '../validate-input.js';

/**
 * ∫ |F_u − F_v|^p dx over the pooled support, for sorted inputs (p = 1 or 2): the integrand of
 * scipy's `_cdf_distance`, with the empirical CDFs taken right-continuously at each pooled value
 * and the terms added with Neumaier compensation.
 */
export function sortedCdfDistanceIntegral(u: Float64Array, v: Float64Array, p: 1 | 2): number {
  const n = u.length;
  const m = v.length;
  let sum = 0;
  let compensation = 0;
  let i = 0;
  let j = 0;
  let ui = u[0] as number;
  let vj = v[0] as number;
  let current: number;
  if (ui <= vj) {
    current = ui;
    ui = ++i < n ? (u[i] as number) : Infinity;
  } else {
    current = vj;
    vj = ++j < m ? (v[j] as number) : Infinity;
  }
  while (i < n || j < m) {
    const next = ui <= vj ? ui : vj;
    const delta = next - current;
    // Tied values (delta 0) add nothing; skipping them also keeps 0 · ∞ out of the sum.
    if (delta > 0) {
      const diff = Math.abs(i / n - j / m);
      if (diff > 0) {
        const term = (p === 1 ? diff : diff * diff) * delta;
        const t = sum + term;
        compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
        sum = t;
      }
    }
    current = next;
    if (ui <= vj) ui = ++i < n ? (u[i] as number) : Infinity;
    else vj = ++j < m ? (v[j] as number) : Infinity;
  }
  return sum + compensation;
}

/**
 * First Wasserstein distance between two 1-D samples (scipy.stats.wasserstein_distance).
 * @throws StatsError EMPTY_SAMPLE, NON_FINITE.
 * @example wassersteinDistance([0, 1, 3], [5, 6, 8]) // 5
 */
export function wassersteinDistance(u: NumericInput, v: NumericInput): number {
  return sortedCdfDistanceIntegral(sortedFinite(u, 'u'), sortedFinite(v, 'v'), 1);
}

/**
 * Energy distance between two 1-D samples (scipy.stats.energy_distance): √2 · (∫ (F_u − F_v)² dx)^½.
 * @throws StatsError EMPTY_SAMPLE, NON_FINITE.
 */
export function energyDistance(u: NumericInput, v: NumericInput): number {
  const integral = sortedCdfDistanceIntegral(sortedFinite(u, 'u'), sortedFinite(v, 'v'), 2);
  return Math.SQRT2 * Math.sqrt(integral);
}
