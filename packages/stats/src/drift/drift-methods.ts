/** Evidently's drift method ids with their default thresholds and decision rules. */
import type { ColumnType } from './column-data.js';

/** Method ids, spelled as Evidently registers them (`empirical_mmd` also accepts `emperical_mmd`). */
export const DRIFT_METHODS = [
  'ks',
  'z',
  'chisquare',
  'wasserstein',
  'psi',
  'kl_div',
  'jensenshannon',
  'hellinger',
  'anderson',
  'cramer_von_mises',
  'mannw',
  'ed',
  't_test',
  'g_test',
  'fisher_exact',
  'es',
  'empirical_mmd',
  'TVD',
] as const;

export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** How a score becomes a decision: a p-value below (or at) the threshold, a distance above (or at) it. */
export type DriftRule = 'p<' | 'p<=' | 'd>=' | 'd>';

export interface DriftMethodInfo {
  readonly defaultThreshold: number;
  readonly rule: DriftRule;
  /** Column types the method accepts: tests on raw samples need numbers. */
  readonly types: readonly ColumnType[];
}

const BOTH: readonly ColumnType[] = ['numeric', 'categorical'];
const NUMERIC: readonly ColumnType[] = ['numeric'];

const info = (defaultThreshold: number, rule: DriftRule, types = BOTH): DriftMethodInfo =>
  Object.freeze({ defaultThreshold, rule, types });

/** Default thresholds and comparisons as in Evidently 0.4.x's stattests registry. */
export const DRIFT_METHOD_INFO: Readonly<Record<DriftMethod, DriftMethodInfo>> = Object.freeze({
  ks: info(0.05, 'p<=', NUMERIC),
  z: info(0.05, 'p<'),
  chisquare: info(0.05, 'p<'),
  wasserstein: info(0.1, 'd>=', NUMERIC),
  psi: info(0.1, 'd>='),
  kl_div: info(0.1, 'd>='),
  jensenshannon: info(0.1, 'd>='),
  hellinger: info(0.1, 'd>='),
  anderson: info(0.1, 'p<', NUMERIC),
  cramer_von_mises: info(0.1, 'p<=', NUMERIC),
  mannw: info(0.05, 'p<', NUMERIC),
  ed: info(0.1, 'd>', NUMERIC),
  t_test: info(0.05, 'p<', NUMERIC),
  g_test: info(0.1, 'p<'),
  fisher_exact: info(0.1, 'p<'),
  es: info(0.05, 'p<', NUMERIC),
  empirical_mmd: info(0.1, 'p<', NUMERIC),
  TVD: info(0.1, 'p<'),
});

/** Applies a method's rule to its score. */
export function isDrifted(rule: DriftRule, score: number, threshold: number): boolean {
  switch (rule) {
    case 'p<':
      return score < threshold;
    case 'p<=':
      return score <= threshold;
    case 'd>=':
      return score >= threshold;
    case 'd>':
      return score > threshold;
  }
}
