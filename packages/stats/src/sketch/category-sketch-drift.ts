/** Drift between two frequent-items sketches of a categorical column: PSI, Jensen–Shannon, Hellinger. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import type { FrequentItemsSketch } from './frequent-items-sketch.js';
import { hellingerOfShares, jensenShannonOfShares, psiOfShares } from './share-distances.js';

/**
 * Shares of every category either sketch keeps, over the union of their items (sorted). When a
 * sketch is not exact, the weight it lost track of goes to one extra "other" bin at the end.
 */
export function categorySketchShares(
  reference: FrequentItemsSketch,
  current: FrequentItemsSketch,
): { categories: string[]; reference: Float64Array; current: Float64Array } {
  if (reference.count === 0 || current.count === 0) {
    throw new StatsError(StatsErrorCodes.EMPTY_SAMPLE, 'category sketch drift: a sketch is empty', {
      referenceCount: reference.count,
      currentCount: current.count,
    });
  }
  const keys = new Set<string>();
  for (const { item } of reference.items()) keys.add(item);
  for (const { item } of current.items()) keys.add(item);
  const categories = [...keys].sort();
  const withOther = !reference.isExact || !current.isExact;
  const size = categories.length + (withOther ? 1 : 0);
  const shares = (sketch: FrequentItemsSketch): Float64Array => {
    const out = new Float64Array(size);
    let kept = 0;
    categories.forEach((c, i) => {
      const e = sketch.estimate(c);
      out[i] = e / sketch.count;
      kept += e;
    });
    if (withOther) out[size - 1] = (sketch.count - kept) / sketch.count;
    return out;
  };
  return { categories, reference: shares(reference), current: shares(current) };
}

export function sketchCategoryPsi(
  reference: FrequentItemsSketch,
  current: FrequentItemsSketch,
): number {
  const s = categorySketchShares(reference, current);
  return psiOfShares(s.reference, s.current);
}

export function sketchCategoryJensenShannon(
  reference: FrequentItemsSketch,
  current: FrequentItemsSketch,
): number {
  const s = categorySketchShares(reference, current);
  return jensenShannonOfShares(s.reference, s.current);
}

export function sketchCategoryHellinger(
  reference: FrequentItemsSketch,
  current: FrequentItemsSketch,
): number {
  const s = categorySketchShares(reference, current);
  return hellingerOfShares(s.reference, s.current);
}
