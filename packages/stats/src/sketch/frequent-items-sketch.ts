/**
 * Frequent-items (category count) sketch: Misra–Gries counters with median purges, mergeable
 * (Agarwal et al. 2012) and serializable.
 */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { resolveFrequentItemsSketchOptions } from './options.js';
import type { FrequentItemsSketchOptions } from './options.js';

const MAGIC = 'DWFI';
const VERSION = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export interface FrequentItem {
  readonly item: string;
  /** Lower bound of the true count (exact when the sketch is exact). */
  readonly estimate: number;
  /** Upper bound of the true count: estimate + maxError. */
  readonly upperBound: number;
}

/**
 * Counts of string items with at most `capacity` counters.
 *
 * Guarantee: for every item, `estimate(item) ≤ true count ≤ estimate(item) + maxError`, and
 * `maxError ≤ 2·(count − retainedWeight)/(capacity + 1)`; `maxError` is 0 (counts exact) while at
 * most `capacity` distinct items were seen. Merging adds the errors of both sides.
 */
export class FrequentItemsSketch {
  readonly capacity: number;
  #counts = new Map<string, number>();
  #n = 0;
  #offset = 0;

  constructor(options: FrequentItemsSketchOptions = {}) {
    this.capacity = resolveFrequentItemsSketchOptions(options).capacity;
  }

  /** Total weight seen (merged ones included). */
  get count(): number {
    return this.#n;
  }
  /** Largest possible under-count of any item (0 = exact). */
  get maxError(): number {
    return this.#offset;
  }
  /** True while every count is exact. */
  get isExact(): boolean {
    return this.#offset === 0;
  }
  /** Sum of the kept counters; `count − retainedWeight` is the mass the sketch lost track of. */
  get retainedWeight(): number {
    let sum = 0;
    for (const c of this.#counts.values()) sum += c;
    return sum;
  }
  /** Number of items with a counter. */
  get size(): number {
    return this.#counts.size;
  }

  update(item: string, weight = 1): this {
    if (typeof item !== 'string') {
      throw new StatsError(
        StatsErrorCodes.INVALID_ARGUMENT,
        `FrequentItemsSketch.update: item must be a string, got ${typeof item}`,
      );
    }
    if (!Number.isSafeInteger(weight) || weight < 1) {
      throw new StatsError(
        Number.isFinite(weight) ? StatsErrorCodes.INVALID_ARGUMENT : StatsErrorCodes.NON_FINITE,
        `FrequentItemsSketch.update: weight must be a positive integer, got ${weight}`,
        { weight },
      );
    }
    this.#n += weight;
    this.#counts.set(item, (this.#counts.get(item) ?? 0) + weight);
    if (this.#counts.size > this.capacity) this.#purge();
    return this;
  }

  updateMany(items: Iterable<string>): this {
    for (const item of items) this.update(item);
    return this;
  }

  merge(other: FrequentItemsSketch): this {
    if (!(other instanceof FrequentItemsSketch)) {
      throw new StatsError(
        StatsErrorCodes.INVALID_ARGUMENT,
        'FrequentItemsSketch.merge expects a FrequentItemsSketch',
      );
    }
    const entries = [...other.#counts];
    const { n, offset } = { n: other.#n, offset: other.#offset };
    for (const [item, c] of entries) {
      this.#counts.set(item, (this.#counts.get(item) ?? 0) + c);
      if (this.#counts.size > this.capacity) this.#purge();
    }
    this.#n += n;
    this.#offset += offset;
    return this;
  }

  /** Lower-bound estimate of the item's count (0 if it has no counter). */
  estimate(item: string): number {
    return this.#counts.get(item) ?? 0;
  }

  /** Items with a counter, most frequent first (ties by item). */
  items(): FrequentItem[] {
    return [...this.#counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([item, estimate]) => ({ item, estimate, upperBound: estimate + this.#offset }));
  }

  /**
   * Subtracts the median counter from every counter and drops the ones that reach 0. Every item
   * loses at most that amount, and at least half the counters lose all of it, so the accumulated
   * offset stays ≤ lost mass / ((capacity + 1) / 2).
   */
  #purge(): void {
    const values = Float64Array.from(this.#counts.values()).sort();
    const cut = values[(values.length - 1) >>> 1] as number;
    for (const [item, c] of this.#counts) {
      if (c <= cut) this.#counts.delete(item);
      else this.#counts.set(item, c - cut);
    }
    this.#offset += cut;
  }

  serialize(): Uint8Array {
    const writer = new ByteWriter(32 + this.#counts.size * 24);
    for (let i = 0; i < MAGIC.length; i++) writer.u8(MAGIC.charCodeAt(i));
    writer.u8(VERSION);
    writer.u32(this.capacity);
    writer.f64(this.#n);
    writer.f64(this.#offset);
    writer.u32(this.#counts.size);
    for (const [item, c] of this.#counts) {
      const bytes = encoder.encode(item);
      writer.f64(c);
      writer.u32(bytes.length);
      writer.bytes(bytes);
    }
    return writer.finish();
  }

  /** Reads bytes from `serialize()`; anything malformed throws StatsError CORRUPT_SKETCH. */
  static deserialize(bytes: Uint8Array): FrequentItemsSketch {
    const reader = new ByteReader(bytes, MAGIC, 'FrequentItemsSketch');
    const version = reader.u8();
    if (version !== VERSION) reader.fail(`unsupported version ${version}`);
    const capacity = reader.u32();
    if (capacity < 2 || capacity > 1 << 24) reader.fail(`capacity ${capacity} out of range`);
    const sketch = new FrequentItemsSketch({ capacity });
    const n = reader.f64();
    const offset = reader.f64();
    if (!Number.isSafeInteger(n) || n < 0) reader.fail(`count ${n}`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > n) reader.fail(`offset ${offset}`);
    const size = reader.u32();
    if (size > capacity) reader.fail(`${size} counters exceed capacity ${capacity}`);
    let total = 0;
    for (let i = 0; i < size; i++) {
      const c = reader.f64();
      if (!Number.isSafeInteger(c) || c < 1) reader.fail(`counter ${c}`);
      let item = '';
      try {
        item = decoder.decode(reader.bytes(reader.u32()));
      } catch (cause) {
        if (cause instanceof StatsError) throw cause;
        reader.fail('item is not valid UTF-8');
      }
      if (sketch.#counts.has(item)) reader.fail(`duplicate item ${JSON.stringify(item)}`);
      sketch.#counts.set(item, c);
      total += c;
    }
    reader.end();
    if (total > n) reader.fail(`counters (${total}) exceed count (${n})`);
    sketch.#n = n;
    sketch.#offset = offset;
    return sketch;
  }
}
