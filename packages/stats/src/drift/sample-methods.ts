/** Drift scores from the raw numeric samples: ks, wasserstein (normed), ed, t_test. */
import { sortedCdfDistanceIntegral } from '../two-sample/cdf-distance.js';
import { ksPValue, sortedKsStatistic } from '../two-sample/ks-2samp.js';
import { assertMinLength } from '../validate-input.js';
import type { ColumnData } from './column-data.js';
import { studentTTestPValue } from './student-t-test.js';

/** Evidently divides the Wasserstein distance by max(reference std, this). */
const MIN_WASSERSTEIN_NORM = 0.001;

/** Evidently's `ks`: the two-sided p-value of scipy.stats.ks_2samp. */
export function ksScore(ref: ColumnData, cur: ColumnData): number {
  const a = ref.sorted();
  const b = cur.sorted();
  return ksPValue(a.length, b.length, sortedKsStatistic(a, b)).pValue;
}

/** Evidently's `wasserstein`: W1(ref, cur) / max(np.std(ref), 0.001). */
export function wassersteinNormScore(ref: ColumnData, cur: ColumnData): number {
  const distance = sortedCdfDistanceIntegral(ref.sorted(), cur.sorted(), 1);
  return distance / Math.max(ref.populationStd(), MIN_WASSERSTEIN_NORM);
}

/** Evidently's `ed`: scipy.stats.energy_distance(ref, cur). */
export function energyDistanceScore(ref: ColumnData, cur: ColumnData): number {
  return Math.SQRT2 * Math.sqrt(sortedCdfDistanceIntegral(ref.sorted(), cur.sorted(), 2));
}

/** Evidently's `t_test`: the p-value of scipy.stats.ttest_ind (pooled variance). */
export function tTestScore(ref: ColumnData, cur: ColumnData): number {
  if (ref.length + cur.length < 3) assertMinLength(ref.values, `${ref.name} (with ${cur.name})`, 2);
  return studentTTestPValue(ref.sorted(), cur.sorted());
}
