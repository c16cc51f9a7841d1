/** Compensated (Neumaier) summation: keeps long sums within a few ulps of the exact value. */
export class NeumaierSum {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    // Once the sum overflows, the compensation is ∞ − ∞ = NaN: report ±Infinity, as a plain
    // (numpy) sum does, rather than NaN.
    if (!Number.isFinite(this.sum)) return this.sum;
    return this.sum + this.compensation;
  }
}

/** Compensated sum of an array. */
export function accurateSum(values: ArrayLike<number>): number {
  const acc = new NeumaierSum();
  for (let i = 0; i < values.length; i++) acc.add(values[i] as number);
  return acc.value();
}
