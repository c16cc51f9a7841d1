/** Fisher's exact test on a 2×2 table, two-sided (scipy.stats.fisher_exact). */
import { logBinomial } from '../special/gamma.js';
import { invalidArgument } from '../validate-input.js';

export interface FisherExactResult {
  readonly oddsRatio: number;
  readonly pValue: number;
}

/** Relative slack when comparing probabilities of tables (guards against rounding). */
const RELATIVE_TOLERANCE = 1e-7;

/**
 * @param table [[a, b], [c, d]] non-negative integer counts.
 * @example fisherExact2x2([[8, 2], [1, 5]]).pValue // 0.0349...
 */
export function fisherExact2x2(table: readonly (readonly number[])[]): FisherExactResult {
  const flat = [table[0]?.[0], table[0]?.[1], table[1]?.[0], table[1]?.[1]];
  if (table.length !== 2 || table.some((row) => row.length !== 2)) {
    throw invalidArgument('table', JSON.stringify(table), 'a 2×2 array of counts');
  }
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw invalidArgument(`table[${i >> 1}][${i & 1}]`, v, 'a non-negative integer count');
    }
  });
  const [a, b, c, d] = flat as [number, number, number, number];
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) {
    // scipy answers (nan, 1.0) here; a NaN must not leak, so this is an input error.
    throw invalidArgument('table', JSON.stringify(table), 'a table without an empty row or column');
  }
  const oddsRatio = c > 0 && b > 0 ? (a * d) / (c * b) : Infinity;
  const n1 = a + b;
  const n2 = c + d;
  const n = a + c;
  const total = n1 + n2;
  const logDenominator = logBinomial(total, n);
  const pmf = (x: number): number =>
    Math.exp(logBinomial(n1, x) + logBinomial(n2, n - x) - logDenominator);
  const lo = Math.max(0, n - n2);
  const hi = Math.min(n, n1);
  const pExact = pmf(a) * (1 + RELATIVE_TOLERANCE);
  let pValue = 0;
  for (let x = lo; x <= hi; x++) {
    const p = pmf(x);
    if (p <= pExact) pValue += p;
  }
  return { oddsRatio, pValue: Math.min(pValue, 1) };
}
