/** Null distribution of the two-sample Cramér–von Mises statistic: exact (small samples) and limiting. */
import { besselK } from '../special/bessel-k.js';
import { logGamma } from '../special/gamma.js';

/** Terms of the limiting series are added until one falls below this (scipy's stopping rule). */
const SERIES_TOLERANCE = 1e-7;
const PI_POW_1_5 = Math.PI ** 1.5;

/**
 * CDF of the limiting (one-sample, n → ∞) Cramér–von Mises distribution, Csörgő & Faraway
 * (1996) eq. 1.2 — the series scipy's `_cdf_cvm_inf` sums, with the same stopping rule.
 */
export function cvmLimitingCdf(x: number): number {
  let total = 0;
  for (let k = 0; ; k++) {
    const u = Math.exp(logGamma(k + 0.5) - logGamma(k + 1)) / (PI_POW_1_5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const term = u * Math.sqrt(y) * Math.exp(-q) * besselK(0.25, q);
    total += term;
    if (!(Math.abs(term) >= SERIES_TOLERANCE)) return total;
  }
}

/** A frequency table: sorted distinct values and how many lattice paths reach each. */
interface Table {
  readonly values: Float64Array;
  readonly counts: Float64Array;
}

const EMPTY: Table = { values: new Float64Array(0), counts: new Float64Array(0) };

/** Union of two tables (counts of equal values added), every value then shifted by `shift`. */
function mergeShifted(a: Table, b: Table, shift: number): Table {
  const values = new Float64Array(a.values.length + b.values.length);
  const counts = new Float64Array(values.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Infinity;
    const vb = j < b.values.length ? (b.values[j] as number) : Infinity;
    if (va === vb) {
      values[k] = va + shift;
      counts[k++] = (a.counts[i++] as number) + (b.counts[j++] as number);
    } else if (va < vb) {
      values[k] = va + shift;
      counts[k++] = a.counts[i++] as number;
    } else {
      values[k] = vb + shift;
      counts[k++] = b.counts[j++] as number;
    }
  }
  return { values: values.subarray(0, k), counts: counts.subarray(0, k) };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Exact p-value P(U ≥ u) of the two-sample statistic U for sample sizes m and n, by the
 * lattice-path recursion of Xiao, Gordon & Yakovlev (2006) that scipy uses. Counts stay exact
 * integers in doubles for the sizes this runs on (m, n ≤ 20: at most C(40, 20) ≈ 1.4e11 paths).
 */
export function cvmExactPValue(u: number, m: number, n: number): number {
  const lcm = (m / gcd(m, n)) * n;
  const a = lcm / m;
  const b = lcm / n;
  const mn = m * n;
  const zeta = Math.floor((lcm * lcm * (m + n) * (6 * u - mn * (4 * mn - 1))) / (6 * mn * mn));
  let tables: Table[] = [{ values: Float64Array.of(0), counts: Float64Array.of(1) }];
  for (let v = 1; v <= m; v++) tables.push(EMPTY);
  for (let row = 0; row <= n; row++) {
    const next: Table[] = [];
    let acc = EMPTY;
    for (let v = 0; v <= m; v++) {
      const step = a * v - b * row;
      acc = mergeShifted(acc, tables[v] as Table, step * step);
      next.push(acc);
    }
    tables = next;
  }
  const last = tables[m] as Table;
  let tail = 0;
  for (let i = 0; i < last.values.length; i++) {
    if ((last.values[i] as number) >= zeta) tail += last.counts[i] as number;
  }
  return tail / binomial(m + n, m);
}
