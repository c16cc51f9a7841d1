import { describe, expect, it } from 'vitest';
import { StatsErrorCodes } from '../../src/errors.js';
import { KllSketch } from '../../src/sketch/kll-sketch.js';
import {
  sketchBinnedShares,
  sketchHellinger,
  sketchJensenShannon,
  sketchKs,
  sketchPsi,
  sketchWasserstein,
} from '../../src/sketch/sketch-drift.js';
import { kolmogorovSurvival } from '../../src/sketch/share-distances.js';
import { sample, TestRandom } from '../seeded-streams.js';
import { exactBinned, exactKsAndWasserstein } from './exact-drift.js';

// Tolerances documented in packages/stats/README.md "Sketches" (default k, 1M values per side).
const KS_TOLERANCE = 0.01;
const BINNED_TOLERANCE = 0.05;

const N = 1_000_000;

interface Distribution {
  name: string;
  draw: (r: TestRandom, shift: number) => number;
}

const distributions: Distribution[] = [
  { name: 'normal', draw: (r, s) => r.normal(s, 1) },
  { name: 'lognormal', draw: (r, s) => Math.exp(r.normal(s, 0.8)) },
  { name: 'uniform', draw: (r, s) => 10 * r.uniform() + 10 * s },
  {
    name: 'bimodal mixture',
    draw: (r, s) => (r.uniform() < 0.3 ? r.normal(-2 + s, 0.5) : r.normal(3 + s, 1)),
  },
  { name: 'poisson (discrete)', draw: (r, s) => r.poisson(4 + 4 * s) },
];

describe('drift from two KLL sketches vs the exact values on 1M + 1M samples', () => {
  for (const [d, dist] of distributions.entries()) {
    it(dist.name, () => {
      const r = new TestRandom(100 + d);
      const reference = sample(N, () => dist.draw(r, 0));
      const refSketch = new KllSketch({ seed: 1 }).updateMany(reference);
      reference.sort();
      for (const [c, shift] of [0, 0.25].entries()) {
        const current = sample(N, () => dist.draw(r, shift));
        const curSketch = new KllSketch({ seed: 2 + c }).updateMany(current);
        current.sort();

        const exact = exactKsAndWasserstein(reference, current);
        const ks = sketchKs(refSketch, curSketch);
        expect(Math.abs(ks.statistic - exact.ks)).toBeLessThanOrEqual(KS_TOLERANCE);
        expect(Math.abs(ks.statistic - exact.ks)).toBeLessThanOrEqual(ks.errorBound);
        expect(ks.errorBound).toBeLessThanOrEqual(KS_TOLERANCE);
        expect(ks.pValue).toBeGreaterThanOrEqual(0);
        expect(ks.pValue).toBeLessThanOrEqual(1);

        // |ΔW| ≤ (ε_ref + ε_cur)·(max − min): the CDF error bound integrated over the range.
        const range =
          Math.max(refSketch.max, curSketch.max) - Math.min(refSketch.min, curSketch.min);
        const wasserstein = sketchWasserstein(refSketch, curSketch);
        expect(Math.abs(wasserstein - exact.wasserstein)).toBeLessThanOrEqual(
          ks.errorBound * range,
        );

        const { edges } = sketchBinnedShares(refSketch, curSketch);
        expect(edges.length).toBe(Math.ceil(Math.log2(2 * N) + 1) + 1); // Sturges on 2M values
        const binned = exactBinned(reference, current, edges);
        const errors = {
          ks: ks.statistic - exact.ks,
          wasserstein: wasserstein - exact.wasserstein,
          psi: sketchPsi(refSketch, curSketch) - binned.psi,
          jensenShannon: sketchJensenShannon(refSketch, curSketch) - binned.jensenShannon,
          hellinger: sketchHellinger(refSketch, curSketch) - binned.hellinger,
        };
        expect(Math.abs(errors.psi)).toBeLessThanOrEqual(BINNED_TOLERANCE);
        expect(Math.abs(errors.jensenShannon)).toBeLessThanOrEqual(BINNED_TOLERANCE);
        expect(Math.abs(errors.hellinger)).toBeLessThanOrEqual(BINNED_TOLERANCE);
        const shown = Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(2)}`);
        console.log(
          `${dist.name} shift=${shift}: exact ks=${exact.ks.toFixed(5)} w=${exact.wasserstein.toFixed(4)} ` +
            `psi=${binned.psi.toFixed(5)} js=${binned.jensenShannon.toFixed(5)}; sketch − exact: ${shown.join(', ')}; ` +
            `bound ${ks.errorBound.toFixed(4)}`,
        );
      }
    });
  }
});

describe('sketch drift input checks', () => {
  it('rejects empty sketches and bad bin counts', () => {
    const a = new KllSketch({ seed: 1 }).updateMany([1, 2, 3]);
    const empty = new KllSketch({ seed: 2 });
    for (const fn of [
      sketchKs,
      sketchWasserstein,
      sketchPsi,
      sketchJensenShannon,
      sketchHellinger,
    ]) {
      expect(() => fn(a, empty)).toThrow(
        expect.objectContaining({ code: StatsErrorCodes.EMPTY_SAMPLE }),
      );
    }
    for (const bins of [0, 1.5, -3]) {
      expect(() => sketchPsi(a, a, { bins })).toThrow(
        expect.objectContaining({ code: StatsErrorCodes.INVALID_ARGUMENT }),
      );
    }
  });

  it('is exact while no compaction happened (small samples)', () => {
    const ref = [1, 2, 2, 3, 5, 8];
    const cur = [2, 3, 3, 4, 9];
    const a = new KllSketch({ seed: 1 }).updateMany(ref);
    const b = new KllSketch({ seed: 2 }).updateMany(cur);
    const exact = exactKsAndWasserstein(
      Float64Array.from(ref).sort(),
      Float64Array.from(cur).sort(),
    );
    // scipy 1.10: ks_2samp(ref, cur).statistic, wasserstein_distance(ref, cur), and
    // scipy.special.kolmogorov(sqrt(6·5 / 11) · 0.3), the asymptotic p-value sketchKs documents.
    expect(exact.ks).toBeCloseTo(0.3, 15);
    expect(exact.wasserstein).toBeCloseTo(0.9666666666666667, 12);
    const ks = sketchKs(a, b);
    expect(ks.errorBound).toBe(0);
    expect(ks.statistic).toBeCloseTo(exact.ks, 15);
    expect(ks.pValue).toBeCloseTo(0.9667907604932683, 12);
    expect(sketchWasserstein(a, b)).toBeCloseTo(exact.wasserstein, 12);
    const { edges } = sketchBinnedShares(a, b, { bins: 4 });
    const binned = exactBinned(Float64Array.from(ref).sort(), Float64Array.from(cur).sort(), edges);
    expect(sketchPsi(a, b, { bins: 4 })).toBeCloseTo(binned.psi, 12);
    expect(sketchJensenShannon(a, b, { bins: 4 })).toBeCloseTo(binned.jensenShannon, 12);
    expect(sketchHellinger(a, b, { bins: 4 })).toBeCloseTo(binned.hellinger, 12);
  });
});

describe('kolmogorovSurvival (the sketchKs p-value)', () => {
  // scipy 1.10: [λ, scipy.special.kolmogorov(λ)], on both sides of the series switch at 1.18.
  it.each([
    [0.05, 1],
    [0.2, 0.999999999999495],
    [0.5, 0.9639452436648751],
    [0.8, 0.5441424115741981],
    [1, 0.26999967167735456],
    [1.17, 0.12939004218561884],
    [1.18, 0.1234538094297657],
    [1.19, 0.11774229287977166],
    [1.5, 0.022217962616525127],
    [2, 0.0006709252557796953],
    [3, 3.045995948942526e-8],
    [5, 3.8574996959278356e-22],
    [8, 5.14441874528483e-56],
  ])('λ = %s equals scipy.special.kolmogorov', (lambda, expected) => {
    const actual = kolmogorovSurvival(lambda);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * expected);
  });
});
