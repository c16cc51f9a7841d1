import { describe, expect, it } from 'vitest';
import { chiSquare, gTest } from '../../src/distribution/chi-square.js';
import { fisherExact2x2 } from '../../src/distribution/fisher-exact.js';
import { hellingerDistance } from '../../src/distribution/hellinger.js';
import { jensenShannonDistance } from '../../src/distribution/jensen-shannon.js';
import { klDivergence } from '../../src/distribution/kl-divergence.js';
import { psi } from '../../src/distribution/psi.js';
import { totalVariationDistance } from '../../src/distribution/total-variation.js';
import { zTestProportions } from '../../src/distribution/z-test-proportions.js';
import { StatsErrorCodes } from '../../src/errors.js';
import { codeOf } from '../error-code.js';

const { EMPTY_SAMPLE, NON_FINITE, LENGTH_MISMATCH, INVALID_ARGUMENT } = StatsErrorCodes;

describe.each([
  ['jensenShannonDistance', (p: number[], q: number[]) => jensenShannonDistance(p, q)],
  ['klDivergence', (p: number[], q: number[]) => klDivergence(p, q)],
  ['hellingerDistance', hellingerDistance],
  ['totalVariationDistance', totalVariationDistance],
  ['psi', psi],
])('%s refuses bad vectors with a stable code', (_, run) => {
  it('empty, zero-sum, mismatched, non-finite, negative', () => {
    expect(codeOf(() => run([], []))).toBe(EMPTY_SAMPLE);
    expect(codeOf(() => run([0, 0], [1, 1]))).toBe(EMPTY_SAMPLE);
    expect(codeOf(() => run([1, 2], [1, 2, 3]))).toBe(LENGTH_MISMATCH);
    expect(codeOf(() => run([1, NaN], [1, 1]))).toBe(NON_FINITE);
    expect(codeOf(() => run([1, 1], [Infinity, 1]))).toBe(NON_FINITE);
    expect(codeOf(() => run([1, -1], [1, 1]))).toBe(INVALID_ARGUMENT);
  });
});

describe('distribution functions: domain errors and edge values', () => {
  it('psi needs positive shares; kl is +Infinity where q misses mass of p', () => {
    expect(codeOf(() => psi([0.5, 0.5], [1, 0]))).toBe(INVALID_ARGUMENT);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  it('log base must be positive, finite and not 1', () => {
    for (const base of [0, 1, -2, NaN, Infinity]) {
      expect(codeOf(() => jensenShannonDistance([1, 2], [2, 1], base))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => klDivergence([1, 2], [2, 1], base))).toBe(INVALID_ARGUMENT);
    }
  });

  it('identical vectors have distance 0', () => {
    expect(jensenShannonDistance([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(hellingerDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(totalVariationDistance([1, 2, 3], [1, 2, 3])).toBe(0);
  });

  it('chiSquare / gTest: bad counts, sums, ddof', () => {
    for (const test of [chiSquare, gTest]) {
      expect(codeOf(() => test([]))).toBe(EMPTY_SAMPLE);
      expect(codeOf(() => test([1, NaN]))).toBe(NON_FINITE);
      expect(codeOf(() => test([1, -1, 3]))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([0, 0, 0]))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([1, 2], [1, 2, 3]))).toBe(LENGTH_MISMATCH);
      expect(codeOf(() => test([1, 2], [1, 5]))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([1, 2], [0, 3]))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([5]))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([5, 6, 7], undefined, { ddof: 2 }))).toBe(INVALID_ARGUMENT);
      expect(codeOf(() => test([5, 6, 7], undefined, { ddof: 0.5 }))).toBe(INVALID_ARGUMENT);
    }
  });

  it('fisherExact2x2: shape, counts, empty margins', () => {
    expect(codeOf(() => fisherExact2x2([[1, 2]]))).toBe(INVALID_ARGUMENT);
    expect(codeOf(() => fisherExact2x2([[1, 2], [3]]))).toBe(INVALID_ARGUMENT);
    expect(
      codeOf(() =>
        fisherExact2x2([
          [1, 2.5],
          [3, 4],
        ]),
      ),
    ).toBe(INVALID_ARGUMENT);
    expect(
      codeOf(() =>
        fisherExact2x2([
          [1, -2],
          [3, 4],
        ]),
      ),
    ).toBe(INVALID_ARGUMENT);
    expect(
      codeOf(() =>
        fisherExact2x2([
          [0, 0],
          [3, 4],
        ]),
      ),
    ).toBe(INVALID_ARGUMENT);
    expect(
      codeOf(() =>
        fisherExact2x2([
          [0, 2],
          [0, 4],
        ]),
      ),
    ).toBe(INVALID_ARGUMENT);
  });

  it('zTestProportions: counts outside their range; one shared outcome gives p = 1', () => {
    expect(codeOf(() => zTestProportions(3, 2, 1, 5))).toBe(INVALID_ARGUMENT);
    expect(codeOf(() => zTestProportions(1, 0, 1, 5))).toBe(INVALID_ARGUMENT);
    expect(codeOf(() => zTestProportions(1.5, 4, 1, 5))).toBe(INVALID_ARGUMENT);
    expect(codeOf(() => zTestProportions(-1, 4, 1, 5))).toBe(INVALID_ARGUMENT);
    expect(zTestProportions(0, 10, 0, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(zTestProportions(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
  });
});
