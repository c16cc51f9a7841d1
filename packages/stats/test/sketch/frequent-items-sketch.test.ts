import { describe, expect, it } from 'vitest';
import { StatsError, StatsErrorCodes } from '../../src/errors.js';
import {
  categorySketchShares,
  sketchCategoryHellinger,
  sketchCategoryJensenShannon,
  sketchCategoryPsi,
} from '../../src/sketch/category-sketch-drift.js';
import { FrequentItemsSketch } from '../../src/sketch/frequent-items-sketch.js';
import { TestRandom } from '../seeded-streams.js';
import { exactShareDistances } from './exact-drift.js';

/** A Zipf(1.1) stream over `distinct` items ("c0" most frequent). */
function zipfStream(length: number, distinct: number, seed: number): string[] {
  const weights = Array.from({ length: distinct }, (_, i) => 1 / (i + 1) ** 1.1);
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const r = new TestRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const u = r.uniform() * total;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) >= u) hi = mid;
      else lo = mid + 1;
    }
    out.push(`c${lo}`);
  }
  return out;
}

function exactCounts(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function expectWithinBound(sketch: FrequentItemsSketch, exact: Map<string, number>): void {
  for (const [item, count] of exact) {
    const estimate = sketch.estimate(item);
    expect(estimate).toBeLessThanOrEqual(count);
    expect(count).toBeLessThanOrEqual(estimate + sketch.maxError);
  }
  expect(sketch.maxError).toBeLessThanOrEqual(
    (2 * (sketch.count - sketch.retainedWeight)) / (sketch.capacity + 1),
  );
}

describe('FrequentItemsSketch', () => {
  const stream = zipfStream(200_000, 5_000, 1);
  const exact = exactCounts(stream);

  it('counts exactly while the distinct items fit', () => {
    const sketch = new FrequentItemsSketch({ capacity: 8192 }).updateMany(stream);
    expect(sketch.isExact).toBe(true);
    expect(sketch.maxError).toBe(0);
    for (const [item, count] of exact) expect(sketch.estimate(item)).toBe(count);
  });

  it('keeps every count within its documented error bound past capacity', () => {
    const sketch = new FrequentItemsSketch({ capacity: 256 }).updateMany(stream);
    expect(sketch.isExact).toBe(false);
    expect(sketch.size).toBeLessThanOrEqual(256);
    expectWithinBound(sketch, exact);
    console.log(
      `FrequentItemsSketch capacity=256, n=${stream.length}, ${exact.size} distinct: maxError ${sketch.maxError} ` +
        `(${((100 * sketch.maxError) / stream.length).toFixed(3)}% of n), serialized ${sketch.serialize().length} bytes`,
    );
    // The heavy hitters are kept, in order.
    expect(
      sketch
        .items()
        .slice(0, 3)
        .map((i) => i.item),
    ).toEqual(['c0', 'c1', 'c2']);
    for (const { item, estimate, upperBound } of sketch.items()) {
      expect(upperBound - estimate).toBe(sketch.maxError);
      expect(exact.get(item)).toBeGreaterThanOrEqual(estimate);
    }
  });

  it('merges shards within the summed bound and round-trips through bytes', () => {
    const merged = new FrequentItemsSketch({ capacity: 256 });
    for (let s = 0; s < 10; s++) {
      merged.merge(
        new FrequentItemsSketch({ capacity: 256 }).updateMany(
          stream.slice(s * 20_000, (s + 1) * 20_000),
        ),
      );
    }
    expect(merged.count).toBe(stream.length);
    expectWithinBound(merged, exact);
    const bytes = merged.serialize();
    const copy = FrequentItemsSketch.deserialize(bytes);
    expect(copy.serialize()).toEqual(bytes);
    expect(copy.items()).toEqual(merged.items());
    expect(copy.maxError).toBe(merged.maxError);
  });

  it('rejects bad input and corrupt bytes with typed errors', () => {
    const sketch = new FrequentItemsSketch({ capacity: 4 });
    expect(() => sketch.update(3 as unknown as string)).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
    );
    expect(() => sketch.update('a', 0)).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
    );
    expect(() => sketch.update('a', NaN)).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.NON_FINITE }),
    );
    expect(() => new FrequentItemsSketch({ capacity: 1 })).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
    );
    const bytes = new FrequentItemsSketch().updateMany(['a', 'b', 'é', 'a']).serialize();
    const bad = [bytes.slice(0, -1), bytes.subarray(0, 3), Uint8Array.from([...bytes, 1])];
    const flipped = bytes.slice();
    flipped[bytes.length - 6] = (flipped[bytes.length - 6] as number) ^ 1;
    bad.push(flipped);
    for (const b of bad) {
      let caught: unknown;
      try {
        FrequentItemsSketch.deserialize(b);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StatsError);
      expect((caught as StatsError).code).toBe(StatsErrorCodes.CORRUPT_SKETCH);
    }
  });
});

describe('drift from two category sketches', () => {
  const reference = zipfStream(200_000, 2_000, 2);
  const current = zipfStream(200_000, 3_000, 3).map((c) => (c === 'c1' ? 'c5' : c)); // new tail, one share moved

  function exactShares(): { p: Float64Array; q: Float64Array } {
    const a = exactCounts(reference);
    const b = exactCounts(current);
    const categories = [...new Set([...a.keys(), ...b.keys()])].sort();
    return {
      p: Float64Array.from(categories, (c) => (a.get(c) ?? 0) / reference.length),
      q: Float64Array.from(categories, (c) => (b.get(c) ?? 0) / current.length),
    };
  }

  it('equals the exact distances while both sketches are exact', () => {
    const a = new FrequentItemsSketch({ capacity: 4096 }).updateMany(reference);
    const b = new FrequentItemsSketch({ capacity: 4096 }).updateMany(current);
    const { p, q } = exactShares();
    const exact = exactShareDistances(p, q);
    expect(categorySketchShares(a, b).categories).toHaveLength(p.length);
    expect(sketchCategoryPsi(a, b)).toBeCloseTo(exact.psi, 12);
    expect(sketchCategoryJensenShannon(a, b)).toBeCloseTo(exact.jensenShannon, 12);
    expect(sketchCategoryHellinger(a, b)).toBeCloseTo(exact.hellinger, 12);
  });

  it('stays close when the sketches had to drop items', () => {
    const a = new FrequentItemsSketch({ capacity: 256 }).updateMany(reference);
    const b = new FrequentItemsSketch({ capacity: 256 }).updateMany(current);
    expect(a.isExact || b.isExact).toBe(false);
    const { p, q } = exactShares();
    const exact = exactShareDistances(p, q);
    const errors = {
      psi: sketchCategoryPsi(a, b) - exact.psi,
      jensenShannon: sketchCategoryJensenShannon(a, b) - exact.jensenShannon,
      hellinger: sketchCategoryHellinger(a, b) - exact.hellinger,
    };
    console.log(
      'category sketch drift (capacity 256, 2000/3000 Zipf categories) − exact:',
      errors,
      { exactPsi: exact.psi, exactJensenShannon: exact.jensenShannon },
    );
    // The dropped tail is lumped into one "other" bin: JS and Hellinger barely move, while PSI, blown
    // up by zero-filled tail categories, is not comparable (README "Sketches": keep the sketch exact,
    // capacity ≥ distinct categories, for PSI).
    expect(Math.abs(errors.jensenShannon)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(errors.hellinger)).toBeLessThanOrEqual(0.05);
  });

  it('rejects empty sketches', () => {
    expect(() =>
      sketchCategoryPsi(new FrequentItemsSketch(), new FrequentItemsSketch().update('a')),
    ).toThrow(expect.objectContaining({ code: StatsErrorCodes.EMPTY_SAMPLE }));
  });
});
