/** Pure helpers of the KLL sketch: the weighted sorted view and the rank-error bound. */

/** Retained items sorted ascending with the cumulative weight up to and including each one. */
export interface SortedView {
  readonly values: Float64Array;
  readonly cumulative: Float64Array;
}

/** Merges the levels (level h weighs 2^h) into one sorted view. */
export function buildSortedView(levels: readonly Float64Array[]): SortedView {
  let values = new Float64Array(0);
  let weights = new Float64Array(0);
  for (let h = 0; h < levels.length; h++) {
    const level = Float64Array.from(levels[h] as Float64Array).sort();
    if (level.length === 0) continue;
    const w = 2 ** h;
    const mergedValues = new Float64Array(values.length + level.length);
    const mergedWeights = new Float64Array(mergedValues.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < values.length && j < level.length) {
      if ((values[i] as number) <= (level[j] as number)) {
        mergedValues[o] = values[i] as number;
        mergedWeights[o++] = weights[i++] as number;
      } else {
        mergedValues[o] = level[j++] as number;
        mergedWeights[o++] = w;
      }
    }
    while (i < values.length) {
      mergedValues[o] = values[i] as number;
      mergedWeights[o++] = weights[i++] as number;
    }
    while (j < level.length) {
      mergedValues[o] = level[j++] as number;
      mergedWeights[o++] = w;
    }
    values = mergedValues;
    weights = mergedWeights;
  }
  const cumulative = new Float64Array(values.length);
  let running = 0;
  for (let i = 0; i < values.length; i++) {
    running += weights[i] as number;
    cumulative[i] = running;
  }
  return { values, cumulative };
}

/** Number of entries of the ascending `sorted` that are ≤ x. */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries of the ascending `sorted` that are < x. */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rank-error bound of a KLL sketch from its compaction history.
 *
 * A compaction at level h changes the estimated rank of any fixed query by 0 or ±2^h with a fair
 * coin, given everything before it, so the total error is a martingale with increments bounded by
 * 2^h. Azuma–Hoeffding gives, for one query, P(|error| ≥ t) ≤ 2·exp(−t² / (2·V)) with
 * V = Σ_h compactions_h · 4^h. For all queries at once (the sup that KS needs) a union bound over
 * 2G points at the data's j/G quantiles (and their left limits) plus monotonicity gives
 * ε_all(δ) = min_G [ε_one(δ / 2G) + 1/G].
 * Returns the bound as a fraction of n.
 */
export function kllRankErrorBound(
  compactions: readonly number[],
  n: number,
  delta: number,
  allQueries: boolean,
): number {
  if (n === 0) return 0;
  let variance = 0;
  for (let h = 0; h < compactions.length; h++) variance += (compactions[h] as number) * 4 ** h;
  if (variance === 0) return 0;
  const single = (d: number): number => Math.sqrt(2 * variance * Math.log(2 / d)) / n;
  if (!allQueries) return Math.min(1, single(delta));
  let best = 1;
  // The optimum G is near 1/ε_one; scan a geometric grid wide enough to contain it.
  for (let g = 1; g <= n; g = Math.ceil(g * 1.05)) {
    const candidate = single(delta / (2 * g)) + 1 / g;
    if (candidate < best) best = candidate;
    if (1 / g < best / 100) break;
  }
  return Math.min(1, best);
}
