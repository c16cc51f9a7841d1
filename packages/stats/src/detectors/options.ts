/** Options of the change detectors; every default is river's (river.drift, 0.2x). */
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkOneOf,
  invalidOption,
} from '../sketch/option-checks.js';
import { randomSeed } from '../sketch/seeded-random.js';

export interface AdwinOptions {
  /** Significance of the cut test. @default 0.002 */
  delta?: number;
  /** Check for a cut every `clock` updates. @default 32 */
  clock?: number;
  /** Buckets of each size kept before two are merged. @default 5 */
  maxBuckets?: number;
  /** Smallest sub-window a cut may leave on either side. @default 5 */
  minWindowLength?: number;
  /** No test until the window holds more than this many values. @default 10 */
  gracePeriod?: number;
}

export interface DdmOptions {
  /** Updates before drift can be signalled. @default 30 */
  warmStart?: number;
  /** Warning when p + s > p_min + warningThreshold·s_min. @default 2 */
  warningThreshold?: number;
  /** Drift when p + s > p_min + driftThreshold·s_min. @default 3 */
  driftThreshold?: number;
}

export interface EddmOptions {
  /** Updates, and errors, needed before a signal. @default 30 */
  warmStart?: number;
  /** Warning when (p' + 2s') / max(p' + 2s') < alpha. @default 0.95 */
  alpha?: number;
  /** Drift when (p' + 2s') / max(p' + 2s') < beta (beta ≤ alpha). @default 0.9 */
  beta?: number;
}

export interface HddmAOptions {
  /** Confidence of the drift test. @default 0.001 */
  driftConfidence?: number;
  /** Confidence of the warning test. @default 0.005 */
  warningConfidence?: number;
  /** Also detect decreases of the error rate. @default false */
  twoSidedTest?: boolean;
}

export type PageHinkleyMode = 'up' | 'down' | 'both';

export interface PageHinkleyOptions {
  /** Updates before drift can be signalled. @default 30 */
  minInstances?: number;
  /** Magnitude of change tolerated. @default 0.005 */
  delta?: number;
  /** Drift when the cumulative deviation exceeds it (lambda). @default 50 */
  threshold?: number;
  /** Forgetting factor of the cumulative sums. @default 0.9999 */
  alpha?: number;
  /** Watch increases, decreases or both. @default 'both' */
  mode?: PageHinkleyMode;
}

export interface KswinOptions {
  /** KS p-value at or below which (with statistic > 0.1) drift is signalled. @default 0.005 */
  alpha?: number;
  /** Sliding window length. @default 100 */
  windowSize?: number;
  /** Length of the most recent part compared against a sample of the older part. @default 30 */
  statSize?: number;
  /** Seed of the sampling of the older part. @default a random seed */
  seed?: number;
  /** Values to start the window with (avoids a cold start); the last `windowSize` are kept. @default [] */
  window?: readonly number[];
}

type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };

export function resolveAdwinOptions(o: AdwinOptions = {}): Resolved<AdwinOptions> {
  const n = 'ADWIN';
  checkKnownKeys(n, o, ['delta', 'clock', 'maxBuckets', 'minWindowLength', 'gracePeriod']);
  return Object.freeze({
    delta: checkNumber(n, 'delta', o.delta ?? 0.002, 0, 1, { min: true, max: true }),
    clock: checkInteger(n, 'clock', o.clock ?? 32, 1),
    maxBuckets: checkInteger(n, 'maxBuckets', o.maxBuckets ?? 5, 1, 1000),
    minWindowLength: checkInteger(n, 'minWindowLength', o.minWindowLength ?? 5, 1),
    gracePeriod: checkInteger(n, 'gracePeriod', o.gracePeriod ?? 10, 0),
  });
}

export function resolveDdmOptions(o: DdmOptions = {}): Resolved<DdmOptions> {
  const n = 'DDM';
  checkKnownKeys(n, o, ['warmStart', 'warningThreshold', 'driftThreshold']);
  const warningThreshold = checkNumber(n, 'warningThreshold', o.warningThreshold ?? 2, 0, 1e6, {
    min: true,
  });
  const driftThreshold = checkNumber(n, 'driftThreshold', o.driftThreshold ?? 3, 0, 1e6, {
    min: true,
  });
  if (driftThreshold < warningThreshold) {
    invalidOption(n, 'driftThreshold', driftThreshold, `≥ warningThreshold (${warningThreshold})`);
  }
  return Object.freeze({
    warmStart: checkInteger(n, 'warmStart', o.warmStart ?? 30, 0),
    warningThreshold,
    driftThreshold,
  });
}

export function resolveEddmOptions(o: EddmOptions = {}): Resolved<EddmOptions> {
  const n = 'EDDM';
  checkKnownKeys(n, o, ['warmStart', 'alpha', 'beta']);
  const alpha = checkNumber(n, 'alpha', o.alpha ?? 0.95, 0, 1, { min: true });
  const beta = checkNumber(n, 'beta', o.beta ?? 0.9, 0, 1, { min: true });
  if (beta > alpha) invalidOption(n, 'beta', beta, `≤ alpha (${alpha})`);
  return Object.freeze({
    warmStart: checkInteger(n, 'warmStart', o.warmStart ?? 30, 0),
    alpha,
    beta,
  });
}

export function resolveHddmAOptions(o: HddmAOptions = {}): Resolved<HddmAOptions> {
  const n = 'HDDM_A';
  checkKnownKeys(n, o, ['driftConfidence', 'warningConfidence', 'twoSidedTest']);
  const open = { min: true, max: true };
  return Object.freeze({
    driftConfidence: checkNumber(n, 'driftConfidence', o.driftConfidence ?? 0.001, 0, 1, open),
    warningConfidence: checkNumber(
      n,
      'warningConfidence',
      o.warningConfidence ?? 0.005,
      0,
      1,
      open,
    ),
    twoSidedTest: checkBoolean(n, 'twoSidedTest', o.twoSidedTest ?? false),
  });
}

export function resolvePageHinkleyOptions(
  o: PageHinkleyOptions = {},
): Resolved<PageHinkleyOptions> {
  const n = 'PageHinkley';
  checkKnownKeys(n, o, ['minInstances', 'delta', 'threshold', 'alpha', 'mode']);
  return Object.freeze({
    minInstances: checkInteger(n, 'minInstances', o.minInstances ?? 30, 1),
    delta: checkNumber(n, 'delta', o.delta ?? 0.005, 0, Number.MAX_VALUE),
    threshold: checkNumber(n, 'threshold', o.threshold ?? 50, 0, Number.MAX_VALUE, { min: true }),
    alpha: checkNumber(n, 'alpha', o.alpha ?? 1 - 0.0001, 0, 1, { min: true }),
    mode: checkOneOf(n, 'mode', o.mode ?? 'both', ['up', 'down', 'both'] as const),
  });
}

export function resolveKswinOptions(o: KswinOptions = {}): Resolved<KswinOptions> {
  const n = 'KSWIN';
  checkKnownKeys(n, o, ['alpha', 'windowSize', 'statSize', 'seed', 'window']);
  const windowSize = checkInteger(n, 'windowSize', o.windowSize ?? 100, 2, 1 << 20);
  const statSize = checkInteger(n, 'statSize', o.statSize ?? 30, 1);
  if (2 * statSize > windowSize) {
    invalidOption(
      n,
      'statSize',
      statSize,
      `at most windowSize / 2 (${windowSize / 2}) so the older part can be sampled`,
    );
  }
  const window = o.window ?? [];
  if (!Array.isArray(window) || !window.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    invalidOption(n, 'window', window, 'an array of finite numbers');
  }
  return Object.freeze({
    alpha: checkNumber(n, 'alpha', o.alpha ?? 0.005, 0, 1, { min: true, max: true }),
    windowSize,
    statSize,
    seed: checkInteger(n, 'seed', o.seed ?? randomSeed(), 0, 0xffffffff),
    window: Object.freeze(window.slice(-windowSize)),
  });
}
