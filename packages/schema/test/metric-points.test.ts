/**
 * Metric points are checked against the branch their `type` names, so an issue names the field
 * at fault (`/sum`, `/bucketCounts`) instead of "Expected union value" for the whole point, and a
 * histogram holds one bucket count more than it has bounds, as in OTLP.
 */
import { describe, expect, it } from 'vitest';
import { validateItem } from '../src/index.js';

const histogram = (fields: Record<string, unknown>) => ({
  name: 'driftwatch.model.score',
  type: 'histogram',
  timeUnixNano: '1700000000000000000',
  count: 3,
  sum: 1.5,
  explicitBounds: [0, 1],
  bucketCounts: [1, 1, 1],
  ...fields,
});

describe('metric points', () => {
  it.each([
    ['bounds and one bucket more', {}],
    ['no bounds and one bucket', { explicitBounds: [], bucketCounts: [3] }],
  ])('accepts a histogram with %s', (_case, fields) => {
    expect(validateItem('metrics', histogram(fields)).ok).toBe(true);
  });

  it.each([
    ['one bucket count short', [1, 2], 2],
    ['one bucket count over', [1, 1, 1, 0], 4],
    ['no bucket counts', [], 0],
  ])('refuses a histogram with %s, naming the field', (_case, bucketCounts, got) => {
    expect(validateItem('metrics', histogram({ bucketCounts }))).toEqual({
      ok: false,
      issues: [
        {
          path: '/bucketCounts',
          message: `expected 3 bucket counts, one more than the 2 explicitBounds; got ${got}`,
        },
      ],
    });
  });

  it.each([
    ['Infinity (an overflowed sum, in process)', Number.POSITIVE_INFINITY, 'Infinity'],
    ['NaN', Number.NaN, 'NaN'],
    ['null (how JSON writes a non-finite sum)', null, 'null'],
  ])('refuses a histogram sum of %s, naming the field', (_case, sum, got) => {
    const result = validateItem('metrics', histogram({ sum }));
    expect(result.ok ? [] : result.issues).toEqual([
      { path: '/sum', message: expect.stringMatching(new RegExp(`finite number; got ${got}$`)) },
    ]);
  });

  it('names the field of a gauge or sum point, and an unknown type', () => {
    const gauge = { name: 'g', type: 'gauge', timeUnixNano: '1', value: 'high' };
    expect(validateItem('metrics', gauge)).toEqual({
      ok: false,
      issues: [{ path: '/value', message: 'Expected number; got "high"' }],
    });
    const sum = { name: 's', type: 'sum', timeUnixNano: '1', value: 1 };
    expect(validateItem('metrics', sum)).toMatchObject({
      ok: false,
      issues: [{ path: '/monotonic' }],
    });
    expect(validateItem('metrics', { ...gauge, type: 'summary', value: 1 })).toEqual({
      ok: false,
      issues: [{ path: '/type', message: 'expected "gauge", "sum" or "histogram"; got "summary"' }],
    });
  });
});
