/** Two-sample Kolmogorov–Smirnov test, two-sided, scipy.stats.ks_2samp method 'auto'. */
import { kolmogorovSf } from '../special/kolmogorov.js';
import { sortedFinite } from './sorted-input.js';
import type { NumericInput } from '../validate-input.js';

import type { TestResult } from './test-result.js';

export type { TestResult } from './test-result.js';

/** scipy switches from the exact distribution to the asymptotic one above this sample size. */
const MAX_EXACT_N = 10_000;

/** numpy's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Largest |F1 − F2| over the pooled sample, both arrays sorted, ties handled as scipy does. */
export function sortedKsStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let ai = a[0] as number;
  let bj = b[0] as number;
  let maxPos = 0;
  let maxNeg = 0;
  while (i < n1 || j < n2) {
    const current = ai <= bj ? ai : bj;
    if (ai <= bj) ai = ++i < n1 ? (a[i] as number) : Infinity;
    else bj = ++j < n2 ? (b[j] as number) : Infinity;
    // The CDFs are compared only once every value equal to `current` is consumed.
    if (ai === current || bj === current) continue;
    const diff = i / n1 - j / n2;
    if (diff > maxPos) maxPos = diff;
    else if (-diff > maxNeg) maxNeg = -diff;
  }
  return maxNeg > maxPos ? Math.min(maxNeg, 1) : maxPos;
}

/** Pr(D ≥ h/n) for two samples of equal size n. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Share of lattice paths leaving the band |x/m − y/n| < h/lcm (Hodges' inside method, 1 − p form). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  for (let q = minj; q < maxj; q++) a[q] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}

/** p-value for sorted samples with statistic d (scipy's exact-then-asymptotic logic). */
export function ksPValue(n1: number, n2: number, d: number): TestResult {
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    const exactD = h / lcm;
    if (h === 0) return { statistic: exactD, pValue: 1 };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(prob) && prob >= 0 && prob <= 1) return { statistic: exactD, pValue: prob };
    d = exactD;
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1) };
}

/**
 * Two-sided two-sample KS test (scipy.stats.ks_2samp, method 'auto': exact when both samples
 * have at most 10 000 values, otherwise the asymptotic kstwo distribution with n = m·n/(m+n)).
 * @example ks2samp([1, 2, 3], [4, 5, 6]) // { statistic: 1, pValue: 0.1 }
 */
export function ks2samp(reference: NumericInput, current: NumericInput): TestResult {
  const a = sortedFinite(reference, 'reference');
  const b = sortedFinite(current, 'current');
  return ksPValue(a.length, b.length, sortedKsStatistic(a, b));
}
