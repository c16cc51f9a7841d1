/** Options of the quantile (KLL) and frequent-items sketches. */
import { checkInteger, checkKnownKeys } from './option-checks.js';
import { randomSeed } from './seeded-random.js';

export interface KllSketchOptions {
  /**
   * Accuracy parameter: capacity of the top compactor. Rank error shrinks roughly as 1/k
   * and memory grows as about 3k values. At the default, 1M values keep ~2,900 values
   * (~23 KB serialized) and `rankErrorBound()` is ≤ 0.0043 (README "Sketches").
   * @default 1000
   */
  k?: number;
  /**
   * Seed of the coin flips made by compactions. Equal seeds and equal input give equal sketches.
   * @default a random seed
   */
  seed?: number;
}

export interface ResolvedKllSketchOptions {
  readonly k: number;
  readonly seed: number;
}

export const KLL_DEFAULT_K = 1000;
export const KLL_MIN_K = 8;
export const KLL_MAX_K = 65_535;

export function resolveKllSketchOptions(options: KllSketchOptions = {}): ResolvedKllSketchOptions {
  checkKnownKeys('KllSketch', options, ['k', 'seed']);
  return Object.freeze({
    k: checkInteger('KllSketch', 'k', options.k ?? KLL_DEFAULT_K, KLL_MIN_K, KLL_MAX_K),
    seed: checkInteger('KllSketch', 'seed', options.seed ?? randomSeed(), 0, 0xffffffff),
  });
}

export interface FrequentItemsSketchOptions {
  /**
   * Most distinct items kept. Counts are exact while the number of distinct items stays at or
   * below it; beyond it every count is under-estimated by at most `maxError`
   * (≤ 2·(n − retained weight)/(capacity + 1)).
   * @default 1024
   */
  capacity?: number;
}

export interface ResolvedFrequentItemsSketchOptions {
  readonly capacity: number;
}

export const FREQUENT_ITEMS_DEFAULT_CAPACITY = 1024;

export function resolveFrequentItemsSketchOptions(
  options: FrequentItemsSketchOptions = {},
): ResolvedFrequentItemsSketchOptions {
  checkKnownKeys('FrequentItemsSketch', options, ['capacity']);
  return Object.freeze({
    capacity: checkInteger(
      'FrequentItemsSketch',
      'capacity',
      options.capacity ?? FREQUENT_ITEMS_DEFAULT_CAPACITY,
      2,
      1 << 24,
    ),
  });
}
