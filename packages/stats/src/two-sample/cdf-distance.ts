/** Wasserstein-1 and energy distance of two samples from one merge pass over their sorted values. */
import { NeumaierSum } from '../special/neumaier-sum.js';
import { sortedSample } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/**
 * ∫ |F_u − F_v|^p dx over the pooled support, for sorted inputs (p = 1 or 2).
 * Same integrand as scipy's `_cdf_distance`: empirical CDFs evaluated right-continuously.
 */
export function sortedCdfDistanceIntegral(u: Float64Array, v: Float64Array, p: 1 | 2): number {
  const n = u.length;
  const m = v.length;
  const acc = new NeumaierSum();
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const x = i < n && (j >= m || (u[i] as number) <= (v[j] as number)) ? u[i] : v[j];
    const at = x as number;
    while (i < n && u[i] === at) i++;
    while (j < m && v[j] === at) j++;
    if (i >= n && j >= m) break;
    const next = i < n && (j >= m || (u[i] as number) <= (v[j] as number)) ? u[i] : v[j];
    const diff = Math.abs(i / n - j / m);
    acc.add((p === 1 ? diff : diff * diff) * ((next as number) - at));
  }
  return acc.value();
}

/**
 * First Wasserstein distance between two 1-D samples (scipy.stats.wasserstein_distance).
 * @example wassersteinDistance([0, 1, 3], [5, 6, 8]) // 5
 */
export function wassersteinDistance(u: NumericInput, v: NumericInput): number {
  return sortedCdfDistanceIntegral(sortedSample(u, 'u'), sortedSample(v, 'v'), 1);
}

/** Energy distance between two 1-D samples (scipy.stats.energy_distance). */
export function energyDistance(u: NumericInput, v: NumericInput): number {
  const integral = sortedCdfDistanceIntegral(sortedSample(u, 'u'), sortedSample(v, 'v'), 2);
  return Math.SQRT2 * Math.sqrt(integral);
}
