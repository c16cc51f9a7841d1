/** Drift between two KLL sketches: KS, PSI, Jensen–Shannon, Hellinger and Wasserstein. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import type { KllSketch } from './kll-sketch.js';
import {
  hellingerOfShares,
  jensenShannonOfShares,
  kolmogorovSurvival,
  psiOfShares,
} from './share-distances.js';

export interface SketchKsResult {
  /** sup_x |F_ref(x) − F_cur(x)| of the sketches' step CDFs. */
  readonly statistic: number;
  /** Asymptotic two-sided p-value: Kolmogorov survival at √(n·m/(n+m))·statistic. */
  readonly pValue: number;
  /** |statistic − exact KS| ≤ errorBound with probability ≥ 0.98 (sum of both rank bounds at δ = 0.01). */
  readonly errorBound: number;
}

export interface SketchBinningOptions {
  /**
   * Equal-width bins over [min, max] of both sketches: a count, or 'sturges'
   * (⌈log2(n_ref + n_cur) + 1⌉ bins, like numpy's histogram_bin_edges used by Evidently).
   * @default 'sturges'
   */
  bins?: number | 'sturges';
}

function checkPair(reference: KllSketch, current: KllSketch, fn: string): void {
  if (reference.count === 0 || current.count === 0) {
    throw new StatsError(StatsErrorCodes.EMPTY_SAMPLE, `${fn}: a sketch is empty`, {
      referenceCount: reference.count,
      currentCount: current.count,
    });
  }
}

/** Two-sample Kolmogorov–Smirnov from sketches. */
export function sketchKs(reference: KllSketch, current: KllSketch): SketchKsResult {
  checkPair(reference, current, 'sketchKs');
  const a = reference.sortedView();
  const b = current.sortedView();
  const na = reference.count;
  const nb = current.count;
  let i = 0;
  let j = 0;
  let statistic = 0;
  // Walk the union of breakpoints; after consuming every value ≤ x, both CDFs are evaluated at x.
  while (i < a.values.length || j < b.values.length) {
    const x = Math.min(a.values[i] ?? Infinity, b.values[j] ?? Infinity);
    while (i < a.values.length && a.values[i] === x) i++;
    while (j < b.values.length && b.values[j] === x) j++;
    const fa = i === 0 ? 0 : (a.cumulative[i - 1] as number) / na;
    const fb = j === 0 ? 0 : (b.cumulative[j - 1] as number) / nb;
    const d = Math.abs(fa - fb);
    if (d > statistic) statistic = d;
  }
  const en = (na * nb) / (na + nb);
  return {
    statistic,
    pValue: kolmogorovSurvival(Math.sqrt(en) * statistic),
    errorBound: reference.rankErrorBound(0.01) + current.rankErrorBound(0.01),
  };
}

/** Estimated shares of each sketch in equal-width bins over the union range (numpy histogram semantics). */
export function sketchBinnedShares(
  reference: KllSketch,
  current: KllSketch,
  options: SketchBinningOptions = {},
): { edges: Float64Array; reference: Float64Array; current: Float64Array } {
  checkPair(reference, current, 'sketchBinnedShares');
  const bins = options.bins ?? 'sturges';
  let count: number;
  if (bins === 'sturges') count = Math.ceil(Math.log2(reference.count + current.count) + 1);
  else if (Number.isInteger(bins) && bins >= 1) count = bins;
  else {
    throw new StatsError(
      StatsErrorCodes.INVALID_ARGUMENT,
      `option 'bins' must be a positive integer or 'sturges', got ${String(bins)}`,
      { field: 'bins', value: bins },
    );
  }
  let lo = Math.min(reference.min, current.min);
  let hi = Math.max(reference.max, current.max);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(count + 1);
  for (let e = 0; e <= count; e++) edges[e] = lo + ((hi - lo) * e) / count;
  edges[count] = hi;
  const shares = (sketch: KllSketch): Float64Array => {
    const out = new Float64Array(count);
    let below = 0;
    for (let e = 1; e < count; e++) {
      const next = sketch.cdfBelow(edges[e] as number);
      out[e - 1] = next - below;
      below = next;
    }
    out[count - 1] = 1 - below;
    return out;
  };
  return { edges, reference: shares(reference), current: shares(current) };
}

/** PSI on Sturges bins (or `bins`), with Evidently's zero filling. */
export function sketchPsi(
  reference: KllSketch,
  current: KllSketch,
  options: SketchBinningOptions = {},
): number {
  const s = sketchBinnedShares(reference, current, options);
  return psiOfShares(s.reference, s.current);
}

/** Jensen–Shannon distance (natural log) on Sturges bins (or `bins`). */
export function sketchJensenShannon(
  reference: KllSketch,
  current: KllSketch,
  options: SketchBinningOptions = {},
): number {
  const s = sketchBinnedShares(reference, current, options);
  return jensenShannonOfShares(s.reference, s.current);
}

/** Hellinger distance on Sturges bins (or `bins`). */
export function sketchHellinger(
  reference: KllSketch,
  current: KllSketch,
  options: SketchBinningOptions = {},
): number {
  const s = sketchBinnedShares(reference, current, options);
  return hellingerOfShares(s.reference, s.current);
}

/** 1-Wasserstein distance ∫|F_ref − F_cur| dx between the sketches' step CDFs. */
export function sketchWasserstein(reference: KllSketch, current: KllSketch): number {
  checkPair(reference, current, 'sketchWasserstein');
  const a = reference.sortedView();
  const b = current.sortedView();
  const na = reference.count;
  const nb = current.count;
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  let previous = NaN;
  let area = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = Math.min(a.values[i] ?? Infinity, b.values[j] ?? Infinity);
    if (!Number.isNaN(previous)) area += Math.abs(fa - fb) * (x - previous);
    while (i < a.values.length && a.values[i] === x) i++;
    while (j < b.values.length && b.values[j] === x) j++;
    fa = i === 0 ? 0 : (a.cumulative[i - 1] as number) / na;
    fb = j === 0 ? 0 : (b.cumulative[j - 1] as number) / nb;
    previous = x;
  }
  return area;
}
