/** Two-sample Kolmogorov–Smirnov test, two-sided, scipy.stats.ks_2samp method 'auto'. */
import { kolmogorovSf } from '../special/kolmogorov.js';
import { sortedSample } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** scipy switches from the exact distribution to the asymptotic one above this sample size. */
const MAX_EXACT_N = 10_000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Largest |F1 − F2| over the pooled sample, both arrays sorted (ties handled as scipy does). */
export function sortedKsStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxPos = -Infinity;
  let maxNeg = -Infinity;
  while (i < n1 || j < n2) {
    const x = i < n1 && (j >= n2 || (a[i] as number) <= (b[j] as number)) ? a[i] : b[j];
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxPos) maxPos = diff;
    if (-diff > maxNeg) maxNeg = -diff;
  }
  const minS = Math.min(Math.max(maxNeg, 0), 1);
  return minS > maxPos ? minS : maxPos;
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
export function ksPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number } {
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
  const p = kolmogorovSf(Math.round(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1) };
}

/**
 * Two-sided two-sample KS test (scipy.stats.ks_2samp, method 'auto': exact when both samples
 * have at most 10 000 values, otherwise the asymptotic kstwo distribution with n = m·n/(m+n)).
 * @example ks2samp([1, 2, 3], [4, 5, 6]) // { statistic: 1, pValue: 0.1 }
 */
export function ks2samp(reference: NumericInput, current: NumericInput): TestResult {
  const a = sortedSample(reference, 'reference');
  const b = sortedSample(current, 'current');
  return ksPValue(a.length, b.length, sortedKsStatistic(a, b));
}
