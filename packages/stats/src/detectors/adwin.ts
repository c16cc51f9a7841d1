/** ADWIN, adaptive windowing (Bifet & Gavaldà 2007, ADWIN2 buckets), as river.drift.ADWIN. */
import { finiteInput } from './input.js';
import { resolveAdwinOptions } from './options.js';
import type { AdwinOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

/** One row of the exponential histogram: up to maxBuckets + 1 buckets of 2^row values each. */
interface BucketRow {
  totals: Float64Array;
  variances: Float64Array;
  count: number;
}

/**
 * Keeps a window of recent values compressed into buckets of sizes 2^i and, every `clock` updates,
 * tests every cut W0 | W1 of the window (oldest to newest): if the means differ by more than
 * ε = √(2·m·σ²·δ') + (2/3)·δ'·m, with m = 1/(n0 − L + 1) + 1/(n1 − L + 1), δ' = ln(2·ln|W| / δ) and
 * L = minWindowLength, the oldest bucket is dropped and drift is signalled. As in river, the
 * detector restarts empty on the update after a drift. Every bucket boundary is a candidate cut
 * (river's Cython loop skips the newest bucket of each row); river's documented example gives
 * the same detection index (test/detectors/river-examples.test.ts).
 */
export class ADWIN implements ChangeDetector {
  readonly options: Readonly<Required<AdwinOptions>>;
  #rows: BucketRow[] = [];
  #total = 0;
  #variance = 0;
  #width = 0;
  #tick = 0;
  #drift = false;

  constructor(options: AdwinOptions = {}) {
    this.options = resolveAdwinOptions(options);
    this.reset();
  }

  /** Number of values in the current window. */
  get width(): number {
    return this.#width;
  }
  /** Mean of the current window (0 when empty). */
  get estimation(): number {
    return this.#width === 0 ? 0 : this.#total / this.#width;
  }

  reset(): void {
    this.#rows = [this.#newRow()];
    this.#total = 0;
    this.#variance = 0;
    this.#width = 0;
    this.#tick = 0;
    this.#drift = false;
  }

  update(x: number | boolean): DriftSignal {
    const value = finiteInput('ADWIN', x);
    if (this.#drift) this.reset();
    this.#insert(value);
    this.#drift = this.#detect();
    return { drift: this.#drift, warning: false };
  }

  #newRow(): BucketRow {
    const size = this.options.maxBuckets + 1;
    return { totals: new Float64Array(size), variances: new Float64Array(size), count: 0 };
  }

  #insert(value: number): void {
    const row = this.#rows[0] as BucketRow;
    row.totals[row.count] = value;
    row.variances[row.count] = 0;
    row.count++;
    this.#width++;
    if (this.#width > 1) {
      const d = value - this.#total / (this.#width - 1);
      this.#variance += ((this.#width - 1) * d * d) / this.#width;
    }
    this.#total += value;
    this.#compress();
  }

  /** Merges the two oldest buckets of any row that overflowed into one bucket of the next row. */
  #compress(): void {
    const max = this.options.maxBuckets;
    for (let idx = 0; idx < this.#rows.length; idx++) {
      const row = this.#rows[idx] as BucketRow;
      if (row.count !== max + 1) break;
      if (idx + 1 === this.#rows.length) this.#rows.push(this.#newRow());
      const next = this.#rows[idx + 1] as BucketRow;
      const size = 2 ** idx;
      const u1 = row.totals[0] as number;
      const u2 = row.totals[1] as number;
      const dm = u1 / size - u2 / size;
      next.totals[next.count] = u1 + u2;
      next.variances[next.count] =
        (row.variances[0] as number) + (row.variances[1] as number) + (size * dm * dm) / 2;
      next.count++;
      row.totals.copyWithin(0, 2, row.count);
      row.variances.copyWithin(0, 2, row.count);
      row.count -= 2;
      if (next.count <= max) break;
    }
  }

  /** Drops the oldest bucket; returns its size. */
  #deleteOldest(): number {
    const last = this.#rows.length - 1;
    const row = this.#rows[last] as BucketRow;
    const n = 2 ** last;
    const u = row.totals[0] as number;
    const mu = u / n;
    this.#width -= n;
    this.#total -= u;
    const muWindow = this.#total / this.#width;
    this.#variance -=
      (row.variances[0] as number) + (n * this.#width * (mu - muWindow) ** 2) / (n + this.#width);
    row.totals.copyWithin(0, 1, row.count);
    row.variances.copyWithin(0, 1, row.count);
    row.count--;
    if (row.count === 0 && this.#rows.length > 1) this.#rows.pop();
    return n;
  }

  #detect(): boolean {
    this.#tick++;
    const { clock, gracePeriod, minWindowLength } = this.options;
    if (this.#tick % clock !== 0 || this.#width <= gracePeriod) return false;
    let changed = false;
    let again = true;
    while (again) {
      again = false;
      let n0 = 0;
      let n1 = this.#width;
      let u0 = 0;
      let u1 = this.#total;
      scan: for (let idx = this.#rows.length - 1; idx >= 0; idx--) {
        const row = this.#rows[idx] as BucketRow;
        const size = 2 ** idx;
        for (let k = 0; k < row.count; k++) {
          const u = row.totals[k] as number;
          n0 += size;
          n1 -= size;
          u0 += u;
          u1 -= u;
          if (idx === 0 && k === row.count - 1) break scan;
          if (
            n1 >= minWindowLength &&
            n0 >= minWindowLength &&
            this.#cut(n0, n1, u0 / n0 - u1 / n1)
          ) {
            changed = true;
            again = this.#width > 0;
            if (again) this.#deleteOldest();
            break scan;
          }
        }
      }
    }
    return changed;
  }

  #cut(n0: number, n1: number, deltaMean: number): boolean {
    const { delta, minWindowLength } = this.options;
    const deltaPrime = Math.log((2 * Math.log(this.#width)) / delta);
    const mRecip = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
    const epsilon =
      Math.sqrt(2 * mRecip * Math.max(0, this.#variance / this.#width) * deltaPrime) +
      (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > epsilon;
  }
}
