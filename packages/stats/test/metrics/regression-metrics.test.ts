import { describe, expect, it } from 'vitest';
import { r2 } from '../../src/metrics/r2-score.js';
import { mae, mape, rmse } from '../../src/metrics/regression-errors.js';
import { expectClose, loadFixture } from '../fixture-loader.js';

interface RegressionCase {
  name: string;
  actual: number[];
  predicted: number[];
  expected: { mae: number; rmse: number; mape: number; r2?: number };
}

const { regression } = loadFixture<{ regression: RegressionCase[] }>('metrics.json');
const REL = 1e-9;

describe('regression metrics equal scikit-learn 1.2', () => {
  it('has the fixture cases', () => {
    expect(regression.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of regression) {
    it(c.name, () => {
      expectClose(mae(c.actual, c.predicted), c.expected.mae, REL, 1e-12);
      expectClose(rmse(c.actual, c.predicted), c.expected.rmse, REL, 1e-12);
      expectClose(mape(c.actual, c.predicted), c.expected.mape, REL, 1e-12);
      if (c.expected.r2 !== undefined)
        expectClose(r2(c.actual, c.predicted), c.expected.r2, REL, 1e-12);
    });
  }

  it('accepts typed arrays', () => {
    expect(mae(Float64Array.of(1, 2), Float32Array.of(2, 2))).toBe(0.5);
  });
});
