/** KLL quantile sketch: mergeable, serializable, seeded, with a rank-error bound it can report. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { decodeKll, encodeKll } from './kll-codec.js';
import type { KllData } from './kll-codec.js';
import { buildSortedView, countAtMost, countBelow, kllRankErrorBound } from './kll-math.js';
import type { SortedView } from './kll-math.js';
import { resolveKllSketchOptions } from './options.js';
import type { KllSketchOptions } from './options.js';
import { SeededRandom } from './seeded-random.js';

const MIN_LEVEL_CAPACITY = 8;

function nonFinite(x: unknown): never {
  throw new StatsError(StatsErrorCodes.NON_FINITE, `KllSketch.update: got ${String(x)}`, {
    value: x,
  });
}

/**
 * A KLL sketch (Karnin, Lang, Liberty 2016) of a stream of finite numbers.
 *
 * @example
 * const a = new KllSketch({ seed: 1 });
 * a.updateMany(values);
 * a.quantile(0.99); a.cdf(12.5);
 * const b = KllSketch.deserialize(a.serialize());
 */
export class KllSketch {
  readonly k: number;
  #random: SeededRandom;
  #levels: Float64Array[] = [];
  #sizes: number[] = [];
  #compactions: number[] = [];
  #capacities: number[] = [];
  #totalCapacity = 0;
  #retained = 0;
  #n = 0;
  #min = Infinity;
  #max = -Infinity;
  #mean = 0;
  #m2 = 0;
  #view: SortedView | null = null;

  constructor(options: KllSketchOptions = {}) {
    const resolved = resolveKllSketchOptions(options);
    this.k = resolved.k;
    this.#random = new SeededRandom(resolved.seed);
    this.#addLevel();
  }

  /** Number of values seen (merged ones included). */
  get count(): number {
    return this.#n;
  }
  /** Exact minimum; `NaN` while empty. */
  get min(): number {
    return this.#n === 0 ? NaN : this.#min;
  }
  /** Exact maximum; `NaN` while empty. */
  get max(): number {
    return this.#n === 0 ? NaN : this.#max;
  }
  /** Exact mean (merged with Chan's formula); `NaN` while empty. */
  get mean(): number {
    return this.#n === 0 ? NaN : this.#mean;
  }
  /** Exact population variance; `NaN` while empty. */
  get variance(): number {
    return this.#n === 0 ? NaN : this.#m2 / this.#n;
  }
  /** Values the sketch holds now (its memory is about 8 bytes each). */
  get retainedItems(): number {
    return this.#retained;
  }

  update(x: number): this {
    if (typeof x !== 'number' || !Number.isFinite(x)) nonFinite(x);
    this.#push(x);
    return this;
  }

  updateMany(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      if (typeof x !== 'number' || !Number.isFinite(x)) nonFinite(x);
      this.#push(x);
    }
    return this;
  }

  #push(x: number): void {
    let level0 = this.#levels[0] as Float64Array;
    const size = this.#sizes[0] as number;
    if (size === level0.length) level0 = this.#grow(0, size + 1);
    level0[size] = x;
    this.#sizes[0] = size + 1;
    this.#retained++;
    const n = ++this.#n;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    const d = x - this.#mean;
    this.#mean += d / n;
    this.#m2 += d * (x - this.#mean);
    this.#view = null;
    if (this.#retained >= this.#totalCapacity) this.#compress();
  }

  /**
   * Adds `other`'s values to this sketch (other is left unchanged; `k` stays this sketch's). The
   * rank-error bound adds the compaction histories, which assumes independent coin flips: give
   * shards different seeds (the default seed is random).
   */
  merge(other: KllSketch): this {
    if (!(other instanceof KllSketch)) {
      throw new StatsError(StatsErrorCodes.INVALID_ARGUMENT, 'KllSketch.merge expects a KllSketch');
    }
    const data = other.#data();
    if (data.n === 0) return this;
    for (let h = 0; h < data.levels.length; h++) {
      while (this.#levels.length <= h) this.#addLevel();
      const items = data.levels[h] as Float64Array;
      const size = this.#sizes[h] as number;
      const level = this.#grow(h, size + items.length);
      level.set(items, size);
      this.#sizes[h] = size + items.length;
      this.#retained += items.length;
      this.#compactions[h] = (this.#compactions[h] as number) + (data.compactions[h] ?? 0);
    }
    const n = this.#n + data.n;
    const d = data.mean - this.#mean;
    this.#mean += (d * data.n) / n;
    this.#m2 += data.m2 + (d * d * this.#n * data.n) / n;
    this.#n = n;
    this.#min = Math.min(this.#min, data.min);
    this.#max = Math.max(this.#max, data.max);
    this.#view = null;
    this.#compress();
    return this;
  }

  /**
   * Estimated fraction of values ≤ x (0 below the minimum, 1 at or above the maximum).
   * Within `rankErrorBound()` of the exact fraction.
   */
  cdf(x: number): number {
    if (Number.isNaN(x)) nonFinite(x);
    if (this.#n === 0) return NaN;
    const view = this.sortedView();
    const i = countAtMost(view.values, x);
    return i === 0 ? 0 : (view.cumulative[i - 1] as number) / this.#n;
  }

  /** Estimated fraction of values < x. */
  cdfBelow(x: number): number {
    if (Number.isNaN(x)) nonFinite(x);
    if (this.#n === 0) return NaN;
    const view = this.sortedView();
    const i = countBelow(view.values, x);
    return i === 0 ? 0 : (view.cumulative[i - 1] as number) / this.#n;
  }

  /**
   * The smallest retained value whose estimated rank fraction is ≥ q (q = 0 → min, q = 1 → max),
   * so its exact rank is within `rankErrorBound()` of q.
   */
  quantile(q: number): number {
    if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
      throw new StatsError(
        StatsErrorCodes.INVALID_ARGUMENT,
        `quantile q must be in [0, 1], got ${q}`,
        {
          q,
        },
      );
    }
    if (this.#n === 0) {
      throw new StatsError(StatsErrorCodes.EMPTY_SAMPLE, 'KllSketch.quantile on an empty sketch');
    }
    if (q === 0) return this.#min;
    if (q === 1) return this.#max;
    const { values, cumulative } = this.sortedView();
    const target = q * this.#n;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) >= target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo] as number;
  }

  quantiles(qs: ArrayLike<number>): number[] {
    return Array.from(qs, (q) => this.quantile(q));
  }

  /**
   * Bound on |estimated − exact| rank fraction that holds with probability ≥ 1 − delta, derived from
   * this sketch's own compactions (see README "Sketches"). `allQueries` (default) bounds every
   * cdf/quantile query at once; `false` bounds one fixed query. 0 while no compaction happened.
   */
  rankErrorBound(delta = 0.01, allQueries = true): number {
    if (!(delta > 0 && delta < 1)) {
      throw new StatsError(
        StatsErrorCodes.INVALID_ARGUMENT,
        `delta must be in (0, 1), got ${delta}`,
      );
    }
    return kllRankErrorBound(this.#compactions, this.#n, delta, allQueries);
  }

  /** Retained values ascending with cumulative weights (cached until the next update). */
  sortedView(): SortedView {
    if (this.#view === null) {
      this.#view = buildSortedView(this.#levels.map((l, h) => l.subarray(0, this.#sizes[h])));
    }
    return this.#view;
  }

  serialize(): Uint8Array {
    return encodeKll(this.#data());
  }

  /** Reads bytes from `serialize()`; anything malformed throws StatsError CORRUPT_SKETCH. */
  static deserialize(bytes: Uint8Array): KllSketch {
    const data = decodeKll(bytes);
    const sketch = new KllSketch({ k: data.k, seed: 0 });
    sketch.#random.state = data.rngState;
    for (let h = 0; h < data.levels.length; h++) {
      while (sketch.#levels.length <= h) sketch.#addLevel();
      const items = data.levels[h] as Float64Array;
      sketch.#grow(h, items.length).set(items);
      sketch.#sizes[h] = items.length;
      sketch.#retained += items.length;
      sketch.#compactions[h] = data.compactions[h] as number;
    }
    sketch.#n = data.n;
    sketch.#min = data.min;
    sketch.#max = data.max;
    sketch.#mean = data.mean;
    sketch.#m2 = data.m2;
    if (sketch.#retained >= sketch.#totalCapacity) sketch.#compress();
    return sketch;
  }

  #data(): KllData {
    return {
      k: this.k,
      rngState: this.#random.state,
      n: this.#n,
      min: this.#min,
      max: this.#max,
      mean: this.#mean,
      m2: this.#m2,
      levels: this.#levels.map((l, h) => l.slice(0, this.#sizes[h])),
      compactions: [...this.#compactions],
    };
  }

  #addLevel(): void {
    this.#levels.push(new Float64Array(0));
    this.#sizes.push(0);
    this.#compactions.push(0);
    const depth = this.#levels.length;
    this.#capacities = [];
    this.#totalCapacity = 0;
    for (let h = 0; h < depth; h++) {
      const cap = Math.max(MIN_LEVEL_CAPACITY, Math.round(this.k * (2 / 3) ** (depth - 1 - h)));
      this.#capacities.push(cap);
      this.#totalCapacity += cap;
    }
  }

  /** Ensures level h can hold `needed` values; returns its buffer. */
  #grow(h: number, needed: number): Float64Array {
    const level = this.#levels[h] as Float64Array;
    if (needed <= level.length) return level;
    const next = new Float64Array(Math.max(needed, this.#totalCapacity + 1, level.length * 2));
    next.set(level.subarray(0, this.#sizes[h]));
    this.#levels[h] = next;
    return next;
  }

  #compress(): void {
    while (this.#retained >= this.#totalCapacity) {
      let h = 0;
      while ((this.#sizes[h] as number) < (this.#capacities[h] as number)) h++;
      if (h === this.#levels.length - 1) this.#addLevel();
      this.#compact(h);
    }
  }

  /** Sorts level h, keeps its smallest value back when odd, and promotes every other value. */
  #compact(h: number): void {
    const size = this.#sizes[h] as number;
    const level = this.#levels[h] as Float64Array;
    level.subarray(0, size).sort();
    const start = size & 1;
    const promoted = (size - start) >>> 1;
    const targetSize = this.#sizes[h + 1] as number;
    const target = this.#grow(h + 1, targetSize + promoted);
    let o = targetSize;
    for (let i = start + (this.#random.nextUint32() & 1); i < size; i += 2)
      target[o++] = level[i] as number;
    this.#sizes[h + 1] = o;
    this.#sizes[h] = start;
    this.#retained -= promoted;
    this.#compactions[h] = (this.#compactions[h] as number) + 1;
  }
}
