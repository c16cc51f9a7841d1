import { describe, expect, it } from 'vitest';
import { StatsErrorCodes } from '../../src/errors.js';
import { andersonDarlingKsamp } from '../../src/two-sample/anderson-ksamp.js';
import { energyDistance, wassersteinDistance } from '../../src/two-sample/cdf-distance.js';
import { cramerVonMises2samp } from '../../src/two-sample/cramer-von-mises.js';
import { eppsSingleton } from '../../src/two-sample/epps-singleton.js';
import { ks2samp } from '../../src/two-sample/ks-2samp.js';
import { mannWhitneyU } from '../../src/two-sample/mann-whitney.js';
import { welchTTest } from '../../src/two-sample/welch-t-test.js';
import { codeOf } from '../error-code.js';

const tests: [string, (a: number[], b: number[]) => unknown, number][] = [
  ['ks2samp', ks2samp, 1],
  ['wassersteinDistance', wassersteinDistance, 1],
  ['energyDistance', energyDistance, 1],
  ['cramerVonMises2samp', cramerVonMises2samp, 2],
  ['andersonDarlingKsamp', (a, b) => andersonDarlingKsamp([a, b]), 1],
  ['mannWhitneyU', mannWhitneyU, 1],
  ['welchTTest', welchTTest, 2],
  ['eppsSingleton', eppsSingleton, 5],
];
const ok = [0.1, 0.5, 0.9, 1.3, 2.2, 3.1];

describe.each(tests)('%s refuses bad input with a stable code', (_, run, minimum) => {
  it('empty or too small samples → EMPTY_SAMPLE', () => {
    expect(codeOf(() => run([], ok))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
    expect(codeOf(() => run(ok, []))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
    if (minimum > 1)
      expect(codeOf(() => run(ok.slice(0, minimum - 1), ok))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
  });

  it.each([NaN, Infinity, -Infinity])('%s → NON_FINITE', (bad) => {
    expect(codeOf(() => run([...ok, bad], ok))).toBe(StatsErrorCodes.NON_FINITE);
    expect(codeOf(() => run(ok, [bad, ...ok]))).toBe(StatsErrorCodes.NON_FINITE);
  });
});

describe('degenerate inputs never give NaN', () => {
  it('andersonDarlingKsamp: all values equal, fewer than 2 samples, fewer than 4 values', () => {
    expect(
      codeOf(() =>
        andersonDarlingKsamp([
          [1, 1, 1],
          [1, 1],
        ]),
      ),
    ).toBe(StatsErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => andersonDarlingKsamp([[1, 2, 3]]))).toBe(StatsErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => andersonDarlingKsamp([[1, 2], [3]]))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
  });

  it('welchTTest: two equal constant samples are refused, different constants give ±Infinity', () => {
    expect(codeOf(() => welchTTest([2, 2, 2], [2, 2]))).toBe(StatsErrorCodes.INVALID_ARGUMENT);
    expect(welchTTest([1, 1, 1], [2, 2])).toEqual({ statistic: -Infinity, pValue: 0, df: 1 });
  });

  it('eppsSingleton: a pooled IQR of 0 is refused', () => {
    expect(codeOf(() => eppsSingleton([1, 1, 1, 1, 1, 2], [1, 1, 1, 1, 1]))).toBe(
      StatsErrorCodes.INVALID_ARGUMENT,
    );
  });

  it('mannWhitneyU: all values tied gives pValue 1 with or without continuity', () => {
    for (const useContinuity of [true, false]) {
      for (const alternative of ['two-sided', 'less', 'greater'] as const) {
        const r = mannWhitneyU(Array(12).fill(3), Array(10).fill(3), {
          alternative,
          useContinuity,
        });
        expect(r).toEqual({ statistic: 60, pValue: 1 });
      }
    }
  });

  it('mannWhitneyU: unknown options → INVALID_ARGUMENT', () => {
    expect(codeOf(() => mannWhitneyU(ok, ok, { alternative: 'sideways' as never }))).toBe(
      StatsErrorCodes.INVALID_ARGUMENT,
    );
    expect(codeOf(() => mannWhitneyU(ok, ok, { useContinuity: 'yes' as never }))).toBe(
      StatsErrorCodes.INVALID_ARGUMENT,
    );
  });

  it('distances stay finite where a zero-height step meets an overflowing gap', () => {
    expect(wassersteinDistance([-1e308, 1e308], [-1e308, 1e308])).toBe(0);
    expect(energyDistance([-1e308, 1e308], [-1e308, 1e308])).toBe(0);
  });

  it('ks2samp, cramerVonMises2samp: identical samples give statistic 0 and pValue 1', () => {
    expect(ks2samp([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1 });
    expect(cramerVonMises2samp([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });

  it('accepts typed arrays and leaves the input untouched', () => {
    const a = Float64Array.of(3, 1, 2, 5, 4);
    const b = Float64Array.of(9, 7, 8, 6, 10);
    expect(ks2samp(a, b)).toEqual(ks2samp([3, 1, 2, 5, 4], [9, 7, 8, 6, 10]));
    expect(Array.from(a)).toEqual([3, 1, 2, 5, 4]);
  });
});
