/** Drift of one column between reference and current, with Evidently-compatible methods and defaults. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { invalidArgument } from '../validate-input.js';
import { alignedCounts } from './aligned-counts.js';
import {
  hellingerNumericScore,
  jensenShannonScore,
  klDivScore,
  psiScore,
} from './binned-methods.js';
import { ColumnData } from './column-data.js';
import type { ColumnType, ColumnValues } from './column-data.js';
import {
  chiSquareScore,
  fisherExactScore,
  gTestScore,
  hellingerCountsScore,
  zTestScore,
} from './count-methods.js';
import { defaultDriftMethod } from './default-method.js';
import { DRIFT_METHOD_INFO, isDrifted } from './drift-methods.js';
import type { DriftMethod } from './drift-methods.js';
import { mmdPermutationScore, tvdPermutationScore } from './permutation-methods.js';
import {
  andersonScore,
  cramerVonMisesScore,
  eppsSingletonScore,
  mannWhitneyScore,
} from './rank-methods.js';
import {
  energyDistanceScore,
  ksScore,
  tTestScore,
  wassersteinNormScore,
} from './sample-methods.js';

export interface ColumnDriftOptions {
  /** 'numeric' for numbers; 'categorical' for labels (strings, numbers or booleans). */
  readonly type: ColumnType;
  /**
   * Evidently method id.
   * @default Evidently's choice from the reference size, column type and distinct values.
   */
  readonly method?: DriftMethod | 'emperical_mmd';
  /**
   * Decision threshold: a p-value below it (methods that return p-values) or a distance above
   * it (distances) means drift.
   * @default the method's Evidently default (0.05 for ks, z, chisquare, mannw, t_test, es; 0.1 otherwise)
   */
  readonly threshold?: number;
}

export interface ColumnDriftResult {
  readonly method: DriftMethod;
  /** The p-value or distance Evidently reports for this method and data. */
  readonly score: number;
  readonly threshold: number;
  readonly drifted: boolean;
}

type Scorer = (ref: ColumnData, cur: ColumnData) => number;

const SCORERS: Readonly<Record<DriftMethod, Scorer>> = {
  ks: ksScore,
  z: (r, c) => zTestScore(alignedCounts(r, c)),
  chisquare: (r, c) => chiSquareScore(alignedCounts(r, c)),
  wasserstein: wassersteinNormScore,
  psi: psiScore,
  kl_div: klDivScore,
  jensenshannon: jensenShannonScore,
  hellinger: (r, c) =>
    r.type === 'numeric' ? hellingerNumericScore(r, c) : hellingerCountsScore(alignedCounts(r, c)),
  anderson: andersonScore,
  cramer_von_mises: cramerVonMisesScore,
  mannw: mannWhitneyScore,
  ed: energyDistanceScore,
  t_test: tTestScore,
  g_test: (r, c) => gTestScore(alignedCounts(r, c)),
  fisher_exact: (r, c) => fisherExactScore(alignedCounts(r, c)),
  es: eppsSingletonScore,
  empirical_mmd: mmdPermutationScore,
  TVD: tvdPermutationScore,
};

function resolveMethod(method: string): DriftMethod {
  if (method === 'emperical_mmd') return 'empirical_mmd';
  if (Object.hasOwn(SCORERS, method)) return method as DriftMethod;
  throw new StatsError(StatsErrorCodes.UNKNOWN_METHOD, `unknown drift method ${String(method)}`, {
    argument: 'options.method',
    value: String(method),
    expected: Object.keys(SCORERS),
  });
}

/**
 * Compares one column of reference and current data the way Evidently 0.4.x's
 * DataDriftPreset does. Without `method`: reference ≤ 1000 rows → ks / chisquare / z; larger
 * reference → wasserstein (normed by the reference std) for numeric columns with more than 5
 * distinct values, jensenshannon otherwise.
 * @example columnDrift(reference, current, { type: 'numeric' }) // { method: 'wasserstein', score: 0.19, threshold: 0.1, drifted: true }
 * @throws StatsError EMPTY_SAMPLE, NON_FINITE, UNKNOWN_METHOD, INVALID_ARGUMENT (bad type,
 *   threshold, or a sample method asked of a categorical column).
 */
export function columnDrift(
  reference: ColumnValues,
  current: ColumnValues,
  options: ColumnDriftOptions,
): ColumnDriftResult {
  const type = options?.type;
  if (type !== 'numeric' && type !== 'categorical') {
    throw invalidArgument('options.type', type, "'numeric' or 'categorical'");
  }
  const ref = new ColumnData(reference, type, 'reference');
  const cur = new ColumnData(current, type, 'current');
  const method =
    options.method === undefined ? defaultDriftMethod(ref, cur) : resolveMethod(options.method);
  const info = DRIFT_METHOD_INFO[method];
  if (!info.types.includes(type)) {
    throw invalidArgument('options.method', method, `a method for ${type} columns`);
  }
  const threshold = options.threshold ?? info.defaultThreshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw invalidArgument('options.threshold', threshold, 'a finite number');
  }
  const score = SCORERS[method](ref, cur);
  return Object.freeze({
    method,
    score,
    threshold,
    drifted: isDrifted(info.rule, score, threshold),
  });
}
