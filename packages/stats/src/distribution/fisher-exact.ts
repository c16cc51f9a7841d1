/** Fisher's exact test on a 2×2 table, two-sided (scipy.stats.fisher_exact). */
import { logBinomial } from '../special/gamma.js';
import { invalidArgument } from '../validate-input.js';

export interface FisherExactResult {
  readonly oddsRatio: number;
  readonly pValue: number;
}

/** scipy counts a table as "as extreme" when its probability is at most pexact·(1 + 1e-14). */
const RELATIVE_SLACK = 1e-14;
/** Closer than this (relative), the float probabilities cannot decide and exact arithmetic does. */
const NEAR_TIE = 1e-9;
/** Longest ratio product worth doing in BigInt; beyond it the float comparison stands. */
const MAX_EXACT_STEPS = 5000;

/**
 * Whether P(x)/P(a) ≤ 1 + 1e-14, decided exactly: the ratio is a product of the hypergeometric
 * step ratios P(y+1)/P(y) = (n1 − y)(n − y) / ((y + 1)(n2 − n + y + 1)), taken in integers.
 */
function exactlyAsExtreme(a: number, x: number, n1: number, n2: number, n: number): boolean {
  let num = 1n;
  let den = 1n;
  const [from, to] = a < x ? [a, x] : [x, a];
  for (let y = from; y < to; y++) {
    num *= BigInt(n1 - y) * BigInt(n - y);
    den *= BigInt(y + 1) * BigInt(n2 - n + y + 1);
  }
  // For x > a the ratio P(x)/P(a) is num/den, otherwise den/num.
  const [top, bottom] = a < x ? [num, den] : [den, num];
  return top * 100_000_000_000_000n <= bottom * 100_000_000_000_001n;
}

/**
 * Two-sided Fisher exact test: the probability, given the margins, of tables no more likely
 * than the observed one (scipy's rule, relative slack 1e-14). `oddsRatio` is the sample odds
 * ratio ad/(bc), Infinity when bc = 0.
 * @param table [[a, b], [c, d]] non-negative integer counts without an all-zero row or column
 *   (scipy answers odds ratio NaN there; here that is an INVALID_ARGUMENT error).
 * @example fisherExact2x2([[8, 2], [1, 5]]).pValue // 0.0349…
 */
export function fisherExact2x2(table: readonly (readonly number[])[]): FisherExactResult {
  if (
    !Array.isArray(table) ||
    table.length !== 2 ||
    table.some((row) => !Array.isArray(row) || row.length !== 2)
  ) {
    throw invalidArgument('table', JSON.stringify(table), 'a 2×2 array of counts');
  }
  const flat = [table[0]?.[0], table[0]?.[1], table[1]?.[0], table[1]?.[1]];
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw invalidArgument(`table[${i >> 1}][${i & 1}]`, v, 'a non-negative integer count');
    }
  });
  const [a, b, c, d] = flat as [number, number, number, number];
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) {
    throw invalidArgument('table', JSON.stringify(table), 'a table without an empty row or column');
  }
  const oddsRatio = c > 0 && b > 0 ? (a * d) / (c * b) : Infinity;
  const n1 = a + b;
  const n2 = c + d;
  const n = a + c;
  const logDenominator = logBinomial(n1 + n2, n);
  const pmf = (x: number): number =>
    Math.exp(logBinomial(n1, x) + logBinomial(n2, n - x) - logDenominator);
  const lo = Math.max(0, n - n2);
  const hi = Math.min(n, n1);
  const pExact = pmf(a);
  let pValue = 0;
  let all = true;
  for (let x = lo; x <= hi; x++) {
    const p = x === a ? pExact : pmf(x);
    let included: boolean;
    if (x === a) included = true;
    else if (Math.abs(p / pExact - 1) > NEAR_TIE || Math.abs(x - a) > MAX_EXACT_STEPS) {
      included = p <= pExact * (1 + RELATIVE_SLACK);
    } else included = exactlyAsExtreme(a, x, n1, n2, n);
    if (included) pValue += p;
    else all = false;
  }
  return { oddsRatio, pValue: all ? 1 : Math.min(pValue, 1) };
}
