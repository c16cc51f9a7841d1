/** numpy's pairwise summation, reproduced step for step so that means and variances match it bit for bit. */

const BLOCK = 128;

/**
 * Σ values[start .. start + n) in exactly the order numpy's float64 `add.reduce` uses for a
 * contiguous array (8 interleaved accumulators in blocks of 128, halves split on multiples of 8).
 */
export function pairwiseSum(
  values: ArrayLike<number>,
  start = 0,
  n = values.length - start,
): number {
  if (n < 8) {
    let res = 0;
    for (let i = start; i < start + n; i++) res += values[i] as number;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = values[start] as number;
    let r1 = values[start + 1] as number;
    let r2 = values[start + 2] as number;
    let r3 = values[start + 3] as number;
    let r4 = values[start + 4] as number;
    let r5 = values[start + 5] as number;
    let r6 = values[start + 6] as number;
    let r7 = values[start + 7] as number;
    const end8 = start + n - (n % 8);
    let i = start + 8;
    for (; i < end8; i += 8) {
      r0 += values[i] as number;
      r1 += values[i + 1] as number;
      r2 += values[i + 2] as number;
      r3 += values[i + 3] as number;
      r4 += values[i + 4] as number;
      r5 += values[i + 5] as number;
      r6 += values[i + 6] as number;
      r7 += values[i + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < start + n; i++) res += values[i] as number;
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** numpy's `mean` of a contiguous float64 array: pairwise sum divided by the count. */
export function numpyMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}
