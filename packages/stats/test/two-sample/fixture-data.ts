/** Loads two-sample.json and rebuilds its samples, including the formula-generated large ones. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

interface Formula {
  kind: 'normal' | 'skewed' | 'discrete';
  n: number;
  seed: number;
  scale: number;
  shift: number;
}

interface StoredSample {
  a?: number[];
  b?: number[];
  formulaA?: Formula;
  formulaB?: Formula;
}

export interface TwoSampleCase {
  fn: string;
  sample: string;
  statistic?: number;
  pValue?: number;
  value?: number;
  df?: number;
  options?: { alternative: 'two-sided' | 'less' | 'greater'; useContinuity: boolean };
}

interface TwoSampleFixture {
  formula: { M: number; multipliers: [number, number][] };
  samples: Record<string, StoredSample>;
  cases: TwoSampleCase[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/two-sample.json', import.meta.url), 'utf8'),
) as TwoSampleFixture;

/** The same arithmetic as `formula_sample` in make-two-sample.py (exact integer steps, then + − × ÷). */
function formulaSample(f: Formula): Float64Array {
  const { M, multipliers } = fixture.formula;
  const out = new Float64Array(f.n);
  for (let i = 0; i < f.n; i++) {
    const u = multipliers.map(([a, b], k) => ((i * a + b + f.seed * (k + 1)) % M) / M);
    const [u1, u2, u3] = u as [number, number, number];
    let x: number;
    if (f.kind === 'normal') x = u1 + u2 + u3 - 1.5;
    else if (f.kind === 'skewed') x = u1 * u1 * 4;
    else
      x =
        (i * (multipliers[0] as [number, number])[0] +
          (multipliers[0] as [number, number])[1] +
          f.seed) %
        7;
    out[i] = x * f.scale + f.shift;
  }
  return out;
}

const cache = new Map<string, [ArrayLike<number>, ArrayLike<number>]>();

/** The (reference, current) pair a case runs on. */
export function samplePair(label: string): [ArrayLike<number>, ArrayLike<number>] {
  const hit = cache.get(label);
  if (hit) return hit;
  const s = fixture.samples[label];
  if (!s) throw new Error(`unknown sample ${label}`);
  const pair: [ArrayLike<number>, ArrayLike<number>] =
    s.formulaA && s.formulaB
      ? [formulaSample(s.formulaA), formulaSample(s.formulaB)]
      : [s.a ?? [], s.b ?? []];
  cache.set(label, pair);
  return pair;
}

/** Cases of one function, named for test titles. */
export function casesFor(fn: string): [string, TwoSampleCase][] {
  return fixture.cases
    .filter((c) => c.fn === fn)
    .map((c) => [`${c.sample}${c.options ? ` ${JSON.stringify(c.options)}` : ''}`, c]);
}

/** Statistics and distances: relative error ≤ 1e-9 (absolute 1e-12 around 0). */
export const STATISTIC_RTOL = 1e-9;
/** p-values: relative error ≤ 1e-6 (absolute 1e-12 for p-values at the edge of double precision). */
export const P_VALUE_RTOL = 1e-6;

export function expectClose(actual: number, expected: number, rtol: number, atol = 1e-12): void {
  if (expected === actual) return;
  // An infinite expectation is met by that infinity only: |−∞ − ∞| ≤ rtol·∞ would pass.
  if (!Number.isFinite(expected)) {
    expect(actual, `expected ${expected}`).toBe(expected);
    return;
  }
  expect(Number.isFinite(actual), `got ${actual}, expected ${expected}`).toBe(true);
  const error = Math.abs(actual - expected);
  expect(error, `got ${actual}, expected ${expected}`).toBeLessThanOrEqual(
    Math.max(rtol * Math.abs(expected), atol),
  );
}
