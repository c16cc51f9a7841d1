import { describe, expect, it } from 'vitest';
import { columnDrift } from '../../src/drift/column-drift.js';
import { DRIFT_METHOD_INFO } from '../../src/drift/drift-methods.js';
import type { DriftMethod } from '../../src/drift/drift-methods.js';
import { expectClose, loadFixture } from '../fixture-loader.js';

interface DriftCase {
  name: string;
  type: 'numeric' | 'categorical';
  reference: (number | string)[];
  current: (number | string)[];
  defaultMethod: DriftMethod;
  scores: Partial<Record<DriftMethod, number>>;
}

// column-drift-edges.json: extreme magnitudes, constant and one-value columns, categories seen in
// one window only (make-column-drift-edges.py, same formulas).
const cases = ['column-drift.json', 'column-drift-edges.json'].flatMap(
  (file) => loadFixture<{ cases: DriftCase[] }>(file).cases,
);
const P_VALUE_REL = 1e-6;
const DISTANCE_REL = 1e-9;

describe('columnDrift scores equal Evidently 0.4.33 formulas on scipy/numpy', () => {
  it('has at least 400 method scores', () => {
    const total = cases.reduce((s, c) => s + Object.keys(c.scores).length, 0);
    expect(total).toBeGreaterThanOrEqual(400);
  });

  for (const c of cases) {
    it(`${c.name}: default method ${c.defaultMethod}`, () => {
      const result = columnDrift(c.reference, c.current, { type: c.type });
      expect(result.method).toBe(c.defaultMethod);
      const expected = c.scores[c.defaultMethod];
      if (expected !== undefined) expectClose(result.score, expected, P_VALUE_REL, 1e-12);
    });

    for (const [method, expected] of Object.entries(c.scores) as [DriftMethod, number][]) {
      it(`${c.name}: ${method}`, () => {
        const result = columnDrift(c.reference, c.current, { type: c.type, method });
        const isPValue = DRIFT_METHOD_INFO[method].rule.startsWith('p');
        // p-values: 1e-6 relative; tiny p-values (< 1e-12) are compared absolutely. Asymptotic
        // Cramér–von Mises p-values are 1 − cdf on both sides, exact only to a few ulps of 1.
        const floor = method === 'cramer_von_mises' ? 1e-8 : 1e-12;
        if (isPValue) expectClose(result.score, expected, P_VALUE_REL, floor);
        else expectClose(result.score, expected, DISTANCE_REL, 1e-15);
        expect(result.threshold).toBe(DRIFT_METHOD_INFO[method].defaultThreshold);
      });
    }
  }
});
