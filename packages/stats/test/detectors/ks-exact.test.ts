import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ksExactPValue, ksStatisticSorted } from '../../src/detectors/ks-exact.js';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/ks-exact.json', import.meta.url), 'utf8'),
) as {
  cases: { a: number[]; b: number[]; statistic: number; pValue: number }[];
};

describe("KSWIN's exact KS test vs scipy.stats.ks_2samp(method='exact')", () => {
  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const a = Float64Array.from(c.a).sort();
    const b = Float64Array.from(c.b).sort();
    const { d, h } = ksStatisticSorted(a, b);
    expect(d).toBeCloseTo(c.statistic, 12);
    const p = ksExactPValue(a.length, b.length, h);
    expect(Math.abs(p - c.pValue)).toBeLessThanOrEqual(1e-9 + 1e-6 * c.pValue);
  });
});
