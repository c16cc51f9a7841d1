/** Drift scores computed from category counts: chisquare, z, g_test, fisher_exact, hellinger (categorical). */
import { fisherExact2x2 } from '../distribution/fisher-exact.js';
import { chi2Sf } from '../special/gamma.js';
import { normalCdf } from '../special/normal.js';
import { invalidArgument } from '../validate-input.js';
import type { AlignedCounts } from './aligned-counts.js';
import type { CategoryValue } from './column-data.js';
import { compareKeys } from './aligned-counts.js';

function sumOf(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s;
}

/** p-value of a chi-square-distributed statistic; a single category carries no evidence (1). */
function chi2PValue(statistic: number, categories: number): number {
  if (categories < 2) return 1;
  return statistic === Infinity ? 0 : chi2Sf(statistic, categories - 1);
}

/**
 * Evidently's `chisquare`: scipy.stats.chisquare(current counts, reference counts scaled to the
 * current total). A category absent from the reference gives an infinite statistic, p = 0.
 */
export function chiSquareScore({ reference, current }: AlignedCounts): number {
  const scale = sumOf(current) / sumOf(reference);
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const expected = (reference[i] as number) * scale;
    const d = (current[i] as number) - expected;
    statistic += expected === 0 ? Infinity : (d * d) / expected;
  }
  return chi2PValue(statistic, reference.length);
}

/**
 * Evidently's `g_test`: the log-likelihood power divergence of current counts against reference
 * counts. Evidently compares raw counts and so fails for unequal sizes; here the reference counts
 * are scaled to the current total, which is the same thing when the sizes are equal.
 */
export function gTestScore({ reference, current }: AlignedCounts): number {
  const scale = sumOf(current) / sumOf(reference);
  let statistic = 0;
  for (let i = 0; i < reference.length; i++) {
    const observed = current[i] as number;
    if (observed === 0) continue;
    const expected = (reference[i] as number) * scale;
    statistic += expected === 0 ? Infinity : 2 * observed * Math.log(observed / expected);
  }
  return chi2PValue(statistic, reference.length);
}

/**
 * Evidently's `z`: two-proportion z-test of "equals the smallest value" (Python sort order) in
 * reference vs current; p = 2·(1 − Φ(|z|)), computed in that form as Evidently does. Identical
 * constant columns give 1.
 */
export function zTestScore({ keys, reference, current }: AlignedCounts): number {
  if (keys.length < 2) return 1;
  let first = 0;
  for (let i = 1; i < keys.length; i++) {
    if (compareKeys(keys[i] as CategoryValue, keys[first] as CategoryValue) < 0) first = i;
  }
  const n1 = sumOf(reference);
  const n2 = sumOf(current);
  // Evidently codes the first key as 0 and everything else as 1.
  const p1 = (n1 - (reference[first] as number)) / n1;
  const p2 = (n2 - (current[first] as number)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/**
 * Evidently's `fisher_exact` on binary columns: the 2×2 table [[current ones, current zeros],
 * [reference ones, reference zeros]]. A column with one value throughout gives 1 (scipy's answer
 * for a table with an empty column). More than two values in reference ∪ current is an error.
 */
export function fisherExactScore({ keys, reference, current }: AlignedCounts): number {
  if (keys.length > 2) {
    throw invalidArgument(
      'reference ∪ current',
      `${keys.length} distinct values`,
      'binary data (at most 2 values) for fisher_exact',
    );
  }
  if (keys.length < 2) return 1;
  const table = [
    [current[1] as number, current[0] as number],
    [reference[1] as number, reference[0] as number],
  ];
  return fisherExact2x2(table).pValue;
}

/** Evidently's categorical `hellinger`: sqrt(1 − clip(Σ sqrt(p_ref · p_cur), 0, 1)) over category shares. */
export function hellingerCountsScore({ reference, current }: AlignedCounts): number {
  const n1 = sumOf(reference);
  const n2 = sumOf(current);
  let bc = 0;
  for (let i = 0; i < reference.length; i++) {
    bc += Math.sqrt(((reference[i] as number) / n1) * ((current[i] as number) / n2));
  }
  return Math.sqrt(1 - Math.min(Math.max(bc, 0), 1));
}
