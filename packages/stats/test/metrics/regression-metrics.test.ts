import { describe, expect, it } from 'vitest';
import { r2 } from '../../src/metrics/r2-score.js';
import { mae, mape, rmse } from '../../src/metrics/regression-errors.js';
import { expectClose, loadFixture } from '../fixture-loader.js';

interface RegressionCase {
  name: string;
  actual: number[];
  predicted: number[];
  /** Overflowing values are the strings 'Infinity' / '-Infinity' (JSON has no infinity). */
  expected: Record<'mae' | 'rmse' | 'mape', number | string> & { r2?: number | string };
}

const { regression } = loadFixture<{ regression: RegressionCase[] }>('metrics.json');
const REL = 1e-9;

describe('regression metrics equal scikit-learn 1.2', () => {
  it('has the fixture cases', () => {
    expect(regression.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of regression) {
    it(c.name, () => {
      const e = c.expected;
      expectClose(mae(c.actual, c.predicted), Number(e.mae), REL, 1e-12);
      expectClose(rmse(c.actual, c.predicted), Number(e.rmse), REL, 1e-12);
      expectClose(mape(c.actual, c.predicted), Number(e.mape), REL, 1e-12);
      if (e.r2 !== undefined) expectClose(r2(c.actual, c.predicted), Number(e.r2), REL, 1e-12);
    });
  }

  it('has cases whose squared errors overflow', () => {
    expect(regression.some((c) => c.expected.rmse === 'Infinity')).toBe(true);
  });

  it('accepts typed arrays', () => {
    expect(mae(Float64Array.of(1, 2), Float32Array.of(2, 2))).toBe(0.5);
  });
});
