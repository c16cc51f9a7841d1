/**
 * The exported JSON Schema (signalSchemas, which other validators such as Mokapi's read) and the
 * runtime validators give the same answer for the same wire item. Checked with Ajv, the JSON
 * Schema validator Fastify uses; it is reached through the collector's Fastify, since this package
 * depends on nothing but TypeBox.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { signalSchemas, validateItem, type Signal } from '../src/index.js';
import { link, span } from './span-fixture.js';

type AjvValidate = (item: unknown) => boolean;
interface AjvInstance {
  compile(schema: unknown): AjvValidate;
}
const fromCollector = createRequire(new URL('../../../collector/package.json', import.meta.url));
const fromFastify = createRequire(fromCollector.resolve('fastify'));
const fromCompiler = createRequire(fromFastify.resolve('@fastify/ajv-compiler'));
const Ajv = fromCompiler('ajv') as new (options: object) => AjvInstance;

const ajvCheck = Object.fromEntries(
  Object.entries(signalSchemas).map(([signal, schema]) => [
    signal,
    // JSON round trip: the schema as other validators read it (TypeBox's symbols dropped).
    new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(JSON.stringify(schema))),
  ]),
) as Record<Signal, AjvValidate>;

const prediction = {
  predictionId: 'p-1',
  model: 'risk',
  modelVersion: '3',
  timeUnixMs: 1_700_000_000_000,
  features: { age: 41, city: 'Oslo', member: true, income: null },
  prediction: 1,
};
const histogram = {
  name: 'driftwatch.model.score',
  type: 'histogram',
  timeUnixNano: '1700000000000000000',
  count: 3,
  sum: 1.5,
  explicitBounds: [0, 1],
  bucketCounts: [1, 1, 1],
};

const cases: Array<[string, Signal, unknown]> = [
  ['a prediction', 'predictions', prediction],
  [
    'a prediction with a nested feature',
    'predictions',
    { ...prediction, features: { a: { b: 1 } } },
  ],
  ['a prediction with an array feature', 'predictions', { ...prediction, features: { a: [1] } }],
  [
    'a prediction with 1001 features',
    'predictions',
    {
      ...prediction,
      features: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, i])),
    },
  ],
  [
    'a prediction with an empty feature name',
    'predictions',
    { ...prediction, features: { '': 1 } },
  ],
  [
    'a prediction with a 129-character name',
    'predictions',
    {
      ...prediction,
      features: { ['n'.repeat(129)]: 1 },
    },
  ],
  ['a prediction with a fractional time', 'predictions', { ...prediction, timeUnixMs: 1.5 }],
  ['a prediction with a null score', 'predictions', { ...prediction, score: null }],
  ['a prediction with an unknown field', 'predictions', { ...prediction, extra: 1 }],
  ['a label', 'labels', { predictionId: 'p-1', label: true, timeUnixMs: 0 }],
  ['a label with an object', 'labels', { predictionId: 'p-1', label: {}, timeUnixMs: 0 }],
  ['a label with a numeric id', 'labels', { predictionId: 1, label: 1, timeUnixMs: 0 }],
  ['a histogram', 'metrics', histogram],
  [
    'a histogram without bounds',
    'metrics',
    { ...histogram, explicitBounds: [], bucketCounts: [3] },
  ],
  ['a histogram one bucket short', 'metrics', { ...histogram, bucketCounts: [1, 2] }],
  ['a histogram one bucket over', 'metrics', { ...histogram, bucketCounts: [1, 1, 1, 0] }],
  ['a histogram with no buckets', 'metrics', { ...histogram, bucketCounts: [] }],
  [
    'a histogram with 256 bounds',
    'metrics',
    {
      ...histogram,
      explicitBounds: Array.from({ length: 256 }, (_, i) => i),
      bucketCounts: new Array<number>(257).fill(0),
    },
  ],
  [
    'a histogram with 257 bounds',
    'metrics',
    {
      ...histogram,
      explicitBounds: Array.from({ length: 257 }, (_, i) => i),
      bucketCounts: new Array<number>(258).fill(0),
    },
  ],
  ['a histogram with a null sum', 'metrics', { ...histogram, sum: null }],
  ['a gauge', 'metrics', { name: 'g', type: 'gauge', timeUnixNano: '1', value: 0.5 }],
  [
    'a gauge with buckets',
    'metrics',
    {
      name: 'g',
      type: 'gauge',
      timeUnixNano: '1',
      value: 0.5,
      bucketCounts: [1],
    },
  ],
  ['a summary', 'metrics', { name: 's', type: 'summary', timeUnixNano: '1', value: 1 }],
  ['a span', 'spans', span],
  ['a span with a trace state', 'spans', { ...span, traceState: 'vendor=a,other=b' }],
  [
    'a span with a 513-character trace state',
    'spans',
    { ...span, traceState: 'k='.padEnd(513, 'v') },
  ],
  ['a span with a tab in its trace state', 'spans', { ...span, traceState: 'k=a\tb' }],
  [
    'a span with a link',
    'spans',
    { ...span, links: [{ ...link, traceState: 'k=v', attributes: { 'link.kind': 'input' } }] },
  ],
  [
    'a span with a link of upper-case ids',
    'spans',
    { ...span, links: [{ ...link, traceId: link.traceId.toUpperCase() }] },
  ],
  ['a span with a link of an unknown field', 'spans', { ...span, links: [{ ...link, flags: 1 }] }],
  ['a span with 129 links', 'spans', { ...span, links: new Array(129).fill(link) }],
];

describe('exported JSON Schema and runtime validators', () => {
  it.each(cases)('agree on %s', (_case, signal, item) => {
    expect(ajvCheck[signal](item)).toBe(validateItem(signal, item).ok);
  });

  it('cover valid and invalid items of each kind', () => {
    // A list of only valid (or only invalid) items could not tell the two apart.
    const answers = cases.map(([, signal, item]) => validateItem(signal, item).ok);
    expect(answers.filter(Boolean).length).toBeGreaterThan(5);
    expect(answers.filter((ok) => !ok).length).toBeGreaterThan(5);
  });
});
