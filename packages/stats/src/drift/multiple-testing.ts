/** Multiple-testing corrections of p-values (statsmodels.stats.multitest.multipletests). */
import { assertFinite, assertMinLength, invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

function checkedPValues(pValues: NumericInput): void {
  assertMinLength(pValues, 'pValues');
  assertFinite(pValues, 'pValues');
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i] as number;
    if (p < 0 || p > 1) throw invalidArgument(`pValues[${i}]`, p, 'a p-value in [0, 1]');
  }
}

/**
 * Bonferroni-adjusted p-values: min(p · m, 1) (method='bonferroni').
 * @example bonferroni([0.01, 0.04, 0.5]) // [0.03, 0.12, 1]
 */
export function bonferroni(pValues: NumericInput): number[] {
  checkedPValues(pValues);
  const m = pValues.length;
  return Array.from(pValues, (p) => Math.min(p * m, 1));
}

/**
 * Benjamini–Hochberg adjusted p-values (method='fdr_bh'): p_(i) · m / i made monotone from the
 * largest p-value down, capped at 1, returned in the input order. Reject where adjusted ≤ α.
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: NumericInput): number[] {
  checkedPValues(pValues);
  const m = pValues.length;
  const order = Array.from({ length: m }, (_, i) => i).sort(
    (a, b) => (pValues[a] as number) - (pValues[b] as number),
  );
  const adjusted = new Array<number>(m);
  let running = Infinity;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    // statsmodels divides by the ECDF factor rank / m.
    const raw = (pValues[index] as number) / (rank / m);
    running = Math.min(running, raw);
    adjusted[index] = Math.min(running, 1);
  }
  return adjusted;
}
