/** Student's two-sample t-test with pooled variance (scipy.stats.ttest_ind, equal_var=True). */
import { NeumaierSum } from '../special/neumaier-sum.js';
import { studentTSf } from '../special/beta.js';

function meanAndSquares(values: Float64Array): { mean: number; squares: number } {
  const sum = new NeumaierSum();
  for (const v of values) sum.add(v);
  const mean = sum.value() / values.length;
  const sq = new NeumaierSum();
  for (const v of values) sq.add((v - mean) * (v - mean));
  return { mean, squares: sq.value() };
}

/**
 * Two-sided p-value of Student's t for two samples (n1 + n2 ≥ 3). Where scipy answers NaN (both
 * samples constant) this returns 1 for equal means and 0 otherwise.
 */
export function studentTTestPValue(a: Float64Array, b: Float64Array): number {
  const x = meanAndSquares(a);
  const y = meanAndSquares(b);
  const df = a.length + b.length - 2;
  const pooled = (x.squares + y.squares) / df;
  const diff = x.mean - y.mean;
  const se = Math.sqrt(pooled * (1 / a.length + 1 / b.length));
  if (se === 0) return diff === 0 ? 1 : 0;
  return Math.min(2 * studentTSf(Math.abs(diff / se), df), 1);
}
