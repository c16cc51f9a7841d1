import { describe, expect, it } from 'vitest';
import { StatsError, StatsErrorCodes } from '../../src/errors.js';
import { KllSketch } from '../../src/sketch/kll-sketch.js';
import { sample, TestRandom } from '../seeded-streams.js';
import { countBelow } from './exact-drift.js';

const N = 1_000_000;
const QUANTILES = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

/** Exact rank interval [fraction < x, fraction ≤ x] of x in an ascending sample. */
function rankInterval(sorted: Float64Array, x: number): [number, number] {
  const below = countBelow(sorted, x);
  let atMost = below;
  while (atMost < sorted.length && sorted[atMost] === x) atMost++;
  return [below / sorted.length, atMost / sorted.length];
}

function corruptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof StatsError ? error.code : `not a StatsError: ${String(error)}`;
  }
  return undefined;
}

describe('KllSketch accuracy on 1M values', () => {
  const r = new TestRandom(7);
  const values = sample(N, () => Math.exp(r.normal(0, 1)));
  const sketch = new KllSketch({ seed: 11 }).updateMany(values);
  const sorted = Float64Array.from(values).sort();
  const bound = sketch.rankErrorBound();

  it('keeps exact count, min, max, mean and variance', () => {
    expect(sketch.count).toBe(N);
    expect(sketch.min).toBe(sorted[0]);
    expect(sketch.max).toBe(sorted[N - 1]);
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / N;
    let m2 = 0;
    for (const v of values) m2 += (v - mean) ** 2;
    expect(sketch.mean).toBeCloseTo(mean, 9);
    expect(sketch.variance / (m2 / N)).toBeCloseTo(1, 9);
  });

  it('answers quantiles and cdf within the documented rank-error bound', () => {
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThanOrEqual(0.005);
    expect(sketch.rankErrorBound(0.01, false)).toBeLessThan(bound);
    let worst = 0;
    for (const q of QUANTILES) {
      const [lo, hi] = rankInterval(sorted, sketch.quantile(q));
      const error = q < lo ? lo - q : q > hi ? q - hi : 0;
      worst = Math.max(worst, error);
    }
    for (let i = 1; i < 1000; i++) {
      const x = sorted[Math.floor((i / 1000) * N)] as number;
      const [, exact] = rankInterval(sorted, x);
      worst = Math.max(worst, Math.abs(sketch.cdf(x) - exact));
    }
    console.log(
      `KLL k=${sketch.k} n=${N}: retained ${sketch.retainedItems}, worst rank error ${worst.toExponential(2)}, ` +
        `bound ${bound.toFixed(5)} (all queries, δ=0.01)`,
    );
    expect(worst).toBeLessThanOrEqual(bound);
    expect(sketch.quantile(0)).toBe(sketch.min);
    expect(sketch.quantile(1)).toBe(sketch.max);
    expect(sketch.cdf(sketch.min - 1)).toBe(0);
    expect(sketch.cdf(sketch.max)).toBe(1);
  });

  it('merges 10 shards into a sketch equal to a sketch of the union within the bounds', () => {
    const merged = new KllSketch({ seed: 100 });
    for (let s = 0; s < 10; s++) {
      const shard = new KllSketch({ seed: 200 + s }).updateMany(
        values.subarray(s * (N / 10), (s + 1) * (N / 10)),
      );
      merged.merge(shard);
    }
    expect(merged.count).toBe(N);
    expect(merged.min).toBe(sketch.min);
    expect(merged.max).toBe(sketch.max);
    expect(merged.mean).toBeCloseTo(sketch.mean, 9);
    expect(merged.variance / sketch.variance).toBeCloseTo(1, 9);
    const mergedBound = merged.rankErrorBound();
    expect(mergedBound).toBeLessThanOrEqual(0.005);
    let worstVsExact = 0;
    let worstVsUnion = 0;
    for (let i = 1; i < 1000; i++) {
      const x = sorted[Math.floor((i / 1000) * N)] as number;
      const [, exact] = rankInterval(sorted, x);
      worstVsExact = Math.max(worstVsExact, Math.abs(merged.cdf(x) - exact));
      worstVsUnion = Math.max(worstVsUnion, Math.abs(merged.cdf(x) - sketch.cdf(x)));
    }
    console.log(
      `10 merged shards: retained ${merged.retainedItems}, worst vs exact ${worstVsExact.toExponential(2)}, ` +
        `vs union sketch ${worstVsUnion.toExponential(2)}, bound ${mergedBound.toFixed(5)}`,
    );
    expect(worstVsExact).toBeLessThanOrEqual(mergedBound);
    expect(worstVsUnion).toBeLessThanOrEqual(mergedBound + bound);
  });

  it('serializes to a bounded size and round-trips exactly', () => {
    const bytes = sketch.serialize();
    console.log(`KLL k=${sketch.k} n=${N}: serialized ${bytes.length} bytes`);
    expect(bytes.length).toBeLessThanOrEqual(100 + 8 * 3 * sketch.k + 12 * 40);
    const copy = KllSketch.deserialize(bytes);
    expect(copy.serialize()).toEqual(bytes);
    expect(copy.count).toBe(sketch.count);
    expect(copy.k).toBe(sketch.k);
    expect(copy.rankErrorBound()).toBe(bound);
    for (const q of QUANTILES) expect(copy.quantile(q)).toBe(sketch.quantile(q));
    expect(copy.sortedView()).toEqual(sketch.sortedView());
    // The coin-flip state travels too: both continue identically.
    const more = sample(50_000, () => r.uniform());
    const a = KllSketch.deserialize(bytes).updateMany(more);
    const b = KllSketch.deserialize(bytes).updateMany(more);
    expect(a.serialize()).toEqual(b.serialize());
  });
});

describe('KllSketch small cases and errors', () => {
  it('is exact below its capacity and equal for equal seeds', () => {
    const s = new KllSketch({ k: 200, seed: 3 }).updateMany([5, 1, 4, 2, 3]);
    expect(s.quantile(0.5)).toBe(3);
    expect(s.cdf(2)).toBe(0.4);
    expect(s.cdfBelow(2)).toBe(0.2);
    expect(s.rankErrorBound()).toBe(0);
    const r1 = new TestRandom(1);
    const xs = sample(20_000, () => r1.normal());
    expect(new KllSketch({ seed: 9 }).updateMany(xs).serialize()).toEqual(
      new KllSketch({ seed: 9 }).updateMany(xs).serialize(),
    );
  });

  it('serializes an empty sketch', () => {
    const empty = KllSketch.deserialize(new KllSketch({ seed: 1 }).serialize());
    expect(empty.count).toBe(0);
    expect(empty.min).toBeNaN();
    expect(empty.cdf(1)).toBeNaN();
    expect(() => empty.quantile(0.5)).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.EMPTY_SAMPLE }),
    );
  });

  it('rejects non-finite values, bad quantiles and bad options', () => {
    const s = new KllSketch({ seed: 1 });
    for (const x of [NaN, Infinity, -Infinity]) {
      expect(() => s.update(x)).toThrow(
        expect.objectContaining({ code: StatsErrorCodes.NON_FINITE }),
      );
    }
    expect(() => s.updateMany([1, NaN])).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.NON_FINITE }),
    );
    s.update(1);
    for (const q of [-0.1, 1.1, NaN]) {
      expect(() => s.quantile(q)).toThrow(
        expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
      );
    }
    expect(() => s.rankErrorBound(0)).toThrow(
      expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
    );
    for (const options of [{ k: 4 }, { k: 1.5 }, { seed: -1 }, { kk: 3 }] as object[]) {
      expect(() => new KllSketch(options)).toThrow(
        expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
      );
    }
  });

  it('turns corrupt bytes into DW_STATS_CORRUPT_SKETCH', () => {
    const r = new TestRandom(5);
    const bytes = new KllSketch({ seed: 1 })
      .updateMany(sample(30_000, () => r.normal()))
      .serialize();
    const flipped = bytes.slice();
    flipped[40] = (flipped[40] as number) ^ 0xff;
    const cases: Uint8Array[] = [
      flipped,
      bytes.subarray(0, bytes.length - 9),
      bytes.subarray(0, 6),
      new Uint8Array(0),
      Uint8Array.from([...bytes, 0]),
    ];
    for (const bad of cases)
      expect(corruptCode(() => KllSketch.deserialize(bad))).toBe(StatsErrorCodes.CORRUPT_SKETCH);
    expect(corruptCode(() => KllSketch.deserialize([1, 2, 3] as unknown as Uint8Array))).toBe(
      StatsErrorCodes.CORRUPT_SKETCH,
    );
    // Every single-byte change is caught (checksum or validation).
    for (let i = 0; i < bytes.length; i += 97) {
      const bad = bytes.slice();
      bad[i] = (bad[i] as number) ^ 0x10;
      expect(corruptCode(() => KllSketch.deserialize(bad))).toBe(StatsErrorCodes.CORRUPT_SKETCH);
    }
  });
});
