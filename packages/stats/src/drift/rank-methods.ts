/** Drift scores from rank and EDF tests of section A: anderson, cramer_von_mises, mannw, es. */
import { andersonDarlingKsamp } from '../two-sample/anderson-ksamp.js';
import { cramerVonMises2samp } from '../two-sample/cramer-von-mises.js';
import { cvmLimitingCdf } from '../two-sample/cvm-distribution.js';
import { eppsSingleton } from '../two-sample/epps-singleton.js';
import { mannWhitneyU } from '../two-sample/mann-whitney.js';
import type { ColumnData } from './column-data.js';

/** Evidently's own Cramér–von Mises copy goes asymptotic above 10 values (scipy: above 20). */
const CVM_EXACT_MAX = 10;

/** Evidently's `anderson`: anderson_ksamp([ref, cur]).significance_level (0.001 ≤ p ≤ 0.25). */
export function andersonScore(ref: ColumnData, cur: ColumnData): number {
  return andersonDarlingKsamp([ref.sorted(), cur.sorted()]).pValue;
}

/** Evidently's `mannw`: two-sided scipy.stats.mannwhitneyu p-value. */
export function mannWhitneyScore(ref: ColumnData, cur: ColumnData): number {
  return mannWhitneyU(ref.sorted(), cur.sorted()).pValue;
}

/** Evidently's `es`: scipy.stats.epps_singleton_2samp p-value (pooled IQR 0 is an error). */
export function eppsSingletonScore(ref: ColumnData, cur: ColumnData): number {
  return eppsSingleton(ref.sorted(), cur.sorted()).pValue;
}

/**
 * Evidently's `cramer_von_mises` (its `_cvm_2samp`): exact p-value when both samples have at
 * most 10 values, otherwise the normalized statistic against the limiting distribution.
 */
export function cramerVonMisesScore(ref: ColumnData, cur: ColumnData): number {
  const x = ref.sorted();
  const y = cur.sorted();
  const result = cramerVonMises2samp(x, y);
  const nx = x.length;
  const ny = y.length;
  if (Math.max(nx, ny) <= CVM_EXACT_MAX || Math.max(nx, ny) > 20) return result.pValue;
  const k = nx * ny;
  const n = nx + ny;
  const et = (1 + 1 / n) / 6;
  const vt = ((n + 1) * (4 * k * n - 3 * (nx * nx + ny * ny) - 2 * k)) / (45 * n * n * 4 * k);
  const tn = 1 / 6 + (result.statistic - et) / Math.sqrt(45 * vt);
  return tn < 0.003 ? 1 : Math.max(0, 1 - cvmLimitingCdf(tn));
}
