import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquare, gTest } from '../../src/distribution/chi-square.js';
import { fisherExact2x2 } from '../../src/distribution/fisher-exact.js';
import { hellingerDistance } from '../../src/distribution/hellinger.js';
import { jensenShannonDistance } from '../../src/distribution/jensen-shannon.js';
import { klDivergence } from '../../src/distribution/kl-divergence.js';
import { psi } from '../../src/distribution/psi.js';
import { totalVariationDistance } from '../../src/distribution/total-variation.js';
import { zTestProportions } from '../../src/distribution/z-test-proportions.js';
import { expectClose, P_VALUE_RTOL, STATISTIC_RTOL } from '../two-sample/fixture-data.js';

interface DistributionCase {
  fn: string;
  p?: number[];
  q?: number[];
  base?: number | null;
  value?: number;
  observed?: number[];
  expected?: number[] | null;
  ddof?: number;
  statistic?: number;
  pValue?: number;
  dof?: number;
  table?: number[][];
  oddsRatio?: number | string;
  args?: [number, number, number, number];
}

const { cases } = JSON.parse(
  readFileSync(new URL('../fixtures/distribution.json', import.meta.url), 'utf8'),
) as { cases: DistributionCase[] };

function casesFor(fn: string): [string, DistributionCase][] {
  return cases
    .filter((c) => c.fn === fn)
    .map((c, i) => [
      `#${i} ${JSON.stringify(c.p ?? c.observed ?? c.table ?? c.args).slice(0, 60)}`,
      c,
    ]);
}

const distances: Record<string, (c: DistributionCase) => number> = {
  jensenShannonDistance: (c) => jensenShannonDistance(c.p ?? [], c.q ?? [], c.base ?? undefined),
  klDivergence: (c) => klDivergence(c.p ?? [], c.q ?? []),
  hellingerDistance: (c) => hellingerDistance(c.p ?? [], c.q ?? []),
  totalVariationDistance: (c) => totalVariationDistance(c.p ?? [], c.q ?? []),
  psi: (c) => psi(c.p ?? [], c.q ?? []),
};

for (const [fn, run] of Object.entries(distances)) {
  describe(`${fn} equals the reference`, () => {
    it.each(casesFor(fn))('%s', (_, c) => {
      expectClose(run(c), c.value as number, STATISTIC_RTOL);
    });
  });
}

describe.each([
  ['chiSquare', chiSquare],
  ['gTest', gTest],
] as const)('%s equals scipy.stats.power_divergence', (fn, test) => {
  it.each(casesFor(fn))('%s', (_, c) => {
    const r = test(c.observed ?? [], c.expected ?? undefined, { ddof: c.ddof ?? 0 });
    expectClose(r.statistic, c.statistic as number, STATISTIC_RTOL);
    expectClose(r.pValue, c.pValue as number, P_VALUE_RTOL);
    expect(r.dof).toBe(c.dof);
  });
});

describe('fisherExact2x2 equals scipy.stats.fisher_exact', () => {
  it.each(casesFor('fisherExact2x2'))('%s', (_, c) => {
    const r = fisherExact2x2(c.table ?? []);
    expectClose(r.oddsRatio, Number(c.oddsRatio), STATISTIC_RTOL);
    expectClose(r.pValue, c.pValue as number, P_VALUE_RTOL);
  });
});

describe('zTestProportions equals the pooled two-proportion z-test', () => {
  it.each(casesFor('zTestProportions'))('%s', (_, c) => {
    const r = zTestProportions(...(c.args as [number, number, number, number]));
    expectClose(r.statistic, c.statistic as number, STATISTIC_RTOL);
    expectClose(r.pValue, c.pValue as number, P_VALUE_RTOL);
  });
});
