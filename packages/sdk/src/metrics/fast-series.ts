/** The running totals of one attribute set of a fast counter or histogram (cumulative). */
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';

export class CounterSeries {
  private total = 0;

  constructor(
    readonly attributes: Attributes,
    private readonly startTime: HrTime,
  ) {}

  /** Adds `value`; negative, NaN and infinite values are ignored, as OTel's counter does. */
  add(value: number): void {
    if (value >= 0 && value !== Infinity) this.total += value;
  }

  point(endTime: HrTime): DataPoint<number> {
    return {
      startTime: this.startTime,
      endTime,
      attributes: this.attributes,
      value: this.total,
    };
  }
}

export class HistogramSeries {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(
    readonly attributes: Attributes,
    private readonly startTime: HrTime,
    private readonly boundaries: readonly number[],
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  /**
   * Records `value` in the first bucket with bound ≥ value (the lowest bucket for anything below
   * the first bound); ignores NaN and ±Infinity. Unlike OTel's histogram it keeps negative values
   * (a model's raw output), in the buckets, sum, count, min and max alike.
   */
  record(value: number): void {
    if (!(value > -Infinity && value < Infinity)) return;
    const boundaries = this.boundaries;
    // Linear scan: bucket lists are short and most values fall in the first buckets.
    let index = 0;
    while (index < boundaries.length && (boundaries[index] as number) < value) index += 1;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** A snapshot (copied arrays: exporters may keep the point after the next record). */
  point(endTime: HrTime): DataPoint<Histogram> {
    return {
      startTime: this.startTime,
      endTime,
      attributes: this.attributes,
      value: {
        buckets: { boundaries: [...this.boundaries], counts: [...this.counts] },
        count: this.count,
        sum: this.sum,
        min: this.count > 0 ? this.min : undefined,
        max: this.count > 0 ? this.max : undefined,
      },
    };
  }
}
