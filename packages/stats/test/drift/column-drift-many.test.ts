import { describe, expect, it } from 'vitest';
import { columnDrift } from '../../src/drift/column-drift.js';
import { columnDriftMany } from '../../src/drift/column-drift-many.js';
import type { DriftColumn } from '../../src/drift/column-drift-many.js';
import { StatsErrorCodes } from '../../src/errors.js';
// The published build starts real worker threads (from src, the .js worker module is absent and
// the calling thread computes every column: same results, which the first suite checks).
import { columnDriftMany as builtColumnDriftMany } from '../../dist/index.js';
import { TestRandom } from '../seeded-streams.js';

function sharedSample(n: number, mean: number, seed: number): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(8 * n));
  const random = new TestRandom(seed);
  for (let i = 0; i < n; i++) out[i] = random.normal(mean);
  return out;
}

const LABELS = ['a', 'b', 'c', 'd'];
const categories = (n: number, shift: number): string[] =>
  Array.from({ length: n }, (_, i) => LABELS[(i * 7 + Math.floor(i / (3 + shift))) % 4] as string);

const columns: DriftColumn[] = [
  {
    reference: sharedSample(20_000, 0, 1),
    current: sharedSample(15_000, 0.2, 2),
    options: { type: 'numeric' },
  },
  {
    reference: sharedSample(800, 0, 3),
    current: sharedSample(900, 0, 4),
    options: { type: 'numeric' },
  },
  {
    reference: categories(5000, 0),
    current: categories(4000, 1),
    options: { type: 'categorical' },
  },
  {
    reference: sharedSample(3000, 0, 5),
    current: sharedSample(3000, 0.1, 6),
    options: { type: 'numeric', method: 'cramer_von_mises' },
  },
  { reference: [1, 2, 2, 3, 5, 8, 13], current: [1, 1, 2, 3, 5, 8], options: { type: 'numeric' } },
  {
    reference: sharedSample(6000, 0, 7),
    current: sharedSample(6000, 0, 8),
    options: { type: 'numeric', method: 'ks' },
  },
];
const expected = columns.map((c) => columnDrift(c.reference, c.current, c.options));

describe.each([
  ['src (calling thread)', columnDriftMany],
  ['dist (worker threads)', builtColumnDriftMany],
])('columnDriftMany from %s', (_, run) => {
  it.each([[undefined], [0], [1], [2]])(
    'equals columnDrift column by column (workers %s)',
    async (workers) => {
      expect(await run(columns, { workers })).toEqual(expected);
    },
  );

  it('rejects with the error columnDrift throws for a bad column', async () => {
    const bad = new Float64Array(new SharedArrayBuffer(8 * 10)).fill(1);
    bad[4] = NaN;
    const withBad = [
      ...columns,
      { reference: bad, current: bad, options: { type: 'numeric' as const } },
    ];
    await expect(run(withBad, { workers: 1 })).rejects.toMatchObject({
      code: StatsErrorCodes.NON_FINITE,
      details: { index: 4 },
    });
  });

  it('refuses a negative worker count', async () => {
    await expect(run(columns, { workers: -1 })).rejects.toMatchObject({
      code: StatsErrorCodes.INVALID_ARGUMENT,
    });
  });

  it('answers an empty list with an empty list', async () => {
    expect(await run([])).toEqual([]);
  });
});
