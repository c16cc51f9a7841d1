import { describe, expect, it } from 'vitest';
import { StatsErrorCodes } from '../../src/errors.js';
import { columnDrift } from '../../src/drift/column-drift.js';
import { datasetDrift } from '../../src/drift/dataset-drift.js';
import { DRIFT_METHOD_INFO, DRIFT_METHODS } from '../../src/drift/drift-methods.js';
import { benjaminiHochberg, bonferroni } from '../../src/drift/multiple-testing.js';
import { expectClose, loadFixture } from '../fixture-loader.js';
import { codeOf } from '../error-code.js';

const ref = Array.from({ length: 60 }, (_, i) => Math.sin(i) * 3);
const cur = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.3) * 3 + 0.5);

describe('columnDrift options and decisions', () => {
  it('runs every Evidently method id on a numeric column with its default threshold', () => {
    for (const method of DRIFT_METHODS) {
      if (method === 'fisher_exact') continue;
      const r = columnDrift(ref, cur, { type: 'numeric', method });
      expect(r.method).toBe(method);
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.threshold).toBe(DRIFT_METHOD_INFO[method].defaultThreshold);
    }
  });

  it('accepts Evidently spelling emperical_mmd and gives a reproducible p-value', () => {
    const a = columnDrift(ref, cur, { type: 'numeric', method: 'emperical_mmd' });
    const b = columnDrift(ref, cur, { type: 'numeric', method: 'empirical_mmd' });
    expect(a).toEqual(b);
    expect(a.score).toBeGreaterThanOrEqual(0);
    expect(a.score).toBeLessThanOrEqual(1);
  });

  it('applies direction: p-value below, distance at or above', () => {
    expect(columnDrift(ref, cur, { type: 'numeric', method: 'ks', threshold: 1 }).drifted).toBe(
      true,
    );
    expect(columnDrift(ref, ref, { type: 'numeric', method: 'ks' }).drifted).toBe(false);
    const w = columnDrift(ref, cur, { type: 'numeric', method: 'wasserstein' });
    expect(
      columnDrift(ref, cur, { type: 'numeric', method: 'wasserstein', threshold: w.score }).drifted,
    ).toBe(true);
    const ed = columnDrift(ref, cur, { type: 'numeric', method: 'ed' });
    expect(
      columnDrift(ref, cur, { type: 'numeric', method: 'ed', threshold: ed.score }).drifted,
    ).toBe(false);
  });

  it('picks Evidently defaults by reference size and distinct values', () => {
    const big = Array.from({ length: 1001 }, (_, i) => i % 7);
    expect(columnDrift(big, big, { type: 'numeric' }).method).toBe('wasserstein');
    expect(
      columnDrift(
        big.map((x) => x % 5),
        big,
        { type: 'numeric' },
      ).method,
    ).toBe('wasserstein');
    expect(
      columnDrift(
        big.map((x) => x % 5),
        big.map((x) => x % 5),
        { type: 'numeric' },
      ).method,
    ).toBe('jensenshannon');
    expect(columnDrift(['a', 'b'], ['a', 'a'], { type: 'categorical' }).method).toBe('z');
    expect(columnDrift(['a', 'b', 'c'], ['a'], { type: 'categorical' }).method).toBe('chisquare');
  });

  it.each([
    [
      'unknown method',
      () => columnDrift(ref, cur, { type: 'numeric', method: 'nope' as never }),
      StatsErrorCodes.UNKNOWN_METHOD,
    ],
    [
      'bad type',
      () => columnDrift(ref, cur, { type: 'text' as never }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
    [
      'sample test on categories',
      () => columnDrift(['a'], ['b'], { type: 'categorical', method: 'ks' }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
    [
      'empty reference',
      () => columnDrift([], cur, { type: 'numeric' }),
      StatsErrorCodes.EMPTY_SAMPLE,
    ],
    [
      'NaN value',
      () => columnDrift([1, NaN], cur, { type: 'numeric' }),
      StatsErrorCodes.NON_FINITE,
    ],
    [
      'null category',
      () => columnDrift(['a', null as never], ['a'], { type: 'categorical' }),
      StatsErrorCodes.NON_FINITE,
    ],
    [
      'NaN threshold',
      () => columnDrift(ref, cur, { type: 'numeric', threshold: NaN }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
    [
      'fisher on 3 values',
      () => columnDrift([1, 2], [3], { type: 'numeric', method: 'fisher_exact' }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
    [
      'mmd on too many values',
      () =>
        columnDrift(new Float64Array(2000), new Float64Array(2000), {
          type: 'numeric',
          method: 'empirical_mmd',
        }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
  ])('%s is a typed error', (_name, f, code) => {
    expect(codeOf(f)).toBe(code);
  });
});

describe('datasetDrift', () => {
  it('drifts when the share of drifted columns reaches the share option', () => {
    const cols = {
      a: { drifted: true },
      b: { drifted: false },
      c: { drifted: false },
      d: { drifted: true },
    };
    expect(datasetDrift(cols)).toEqual({
      numberOfColumns: 4,
      numberOfDriftedColumns: 2,
      shareOfDriftedColumns: 0.5,
      share: 0.5,
      datasetDrift: true,
    });
    expect(datasetDrift(Object.values(cols), { share: 0.6 }).datasetDrift).toBe(false);
  });

  it('rejects empty input and bad share', () => {
    expect(codeOf(() => datasetDrift([]))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
    expect(codeOf(() => datasetDrift([{ drifted: true }], { share: 2 }))).toBe(
      StatsErrorCodes.INVALID_ARGUMENT,
    );
  });
});

interface CorrectionCase {
  pValues: number[];
  bonferroni: number[];
  benjaminiHochberg: number[];
}

describe('multiple-testing corrections equal statsmodels multipletests', () => {
  const { corrections } = loadFixture<{ corrections: CorrectionCase[] }>('column-drift.json');
  it('has cases', () => expect(corrections.length).toBeGreaterThanOrEqual(8));
  corrections.forEach((c, k) => {
    it(`case ${k} (m=${c.pValues.length})`, () => {
      // Walk the expected values, not the output: a short or empty output must fail.
      const bonf = bonferroni(c.pValues);
      const bh = benjaminiHochberg(c.pValues);
      expect(bonf).toHaveLength(c.pValues.length);
      expect(bh).toHaveLength(c.pValues.length);
      c.bonferroni.forEach((p, i) => expectClose(bonf[i] as number, p, 1e-12, 1e-300));
      c.benjaminiHochberg.forEach((p, i) => expectClose(bh[i] as number, p, 1e-12, 1e-300));
    });
  });

  it('rejects p-values outside [0, 1]', () => {
    expect(codeOf(() => bonferroni([0.5, 1.2]))).toBe(StatsErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => benjaminiHochberg([]))).toBe(StatsErrorCodes.EMPTY_SAMPLE);
  });
});
