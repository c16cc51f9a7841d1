/** BatchJsonWriter: the same bytes as JSON.stringify, in a buffer reused only once released. */
import { describe, expect, it } from 'vitest';
import { BatchJsonWriter } from '../../src/transport/batch-json.js';
import { WireJson } from '../../src/transport/wire-json.js';

function prediction(i: number, text = `value-${i}`): Record<string, unknown> {
  return {
    predictionId: `p-${i}`,
    model: 'credit-risk',
    features: { age: i, city: text, active: i % 2 === 0, missing: null },
    prediction: i % 3,
    score: i / 7,
    requestId: i % 5 === 0 ? undefined : `r-${i}`,
  };
}

function batchOf(count: number, text?: (i: number) => string): Record<string, unknown> {
  return {
    resource: { 'service.name': 'svc', 'deployment.environment.name': 'test' },
    predictions: Array.from({ length: count }, (_, i) => prediction(i, text?.(i))),
    labels: [],
    logs: Array.from({ length: Math.ceil(count / 2) }, (_, i) => ({
      body: `line ${i} "quoted" \\ back\nslash`,
      timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
    })),
    spans: [],
    metrics: [{ name: 'm', at: new Date(0) }],
  };
}

describe('BatchJsonWriter', () => {
  it.each([
    ['an empty batch', batchOf(0)],
    ['one item', batchOf(1)],
    ['several chunks of ASCII', batchOf(3000)],
    ['multi-byte text (2, 3 and 4 UTF-8 bytes per character)', batchOf(700, (i) => `é中😀${i}`)],
    ['a lone surrogate', batchOf(3, () => '\ud800x')],
    ['items far larger than a chunk', batchOf(4, (i) => 'x'.repeat(100_000 + i))],
  ])('writes the bytes of JSON.stringify for %s', (_name, batch) => {
    const writer = new BatchJsonWriter();
    const { body } = writer.encode(batch);
    expect(body.equals(Buffer.from(JSON.stringify(batch)))).toBe(true);
    expect(JSON.parse(body.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(batch)));
  });

  it('writes WireJson items as their JSON, mixed with plain items across chunks', () => {
    const plain = batchOf(1500, (i) => `é中😀${i}`);
    const items = plain.predictions as Array<Record<string, unknown>>;
    // Every third item rendered already; its JSON must land in place of the object.
    const mixed = {
      ...plain,
      predictions: items.map((item, i) =>
        i % 3 === 0 ? new WireJson(JSON.stringify(item), 'credit-risk') : item,
      ),
      spans: items.slice(0, 300).map((item) => new WireJson(JSON.stringify(item), null)),
    };
    const { body } = new BatchJsonWriter().encode(mixed);
    expect(body.toString('utf8')).toBe(JSON.stringify({ ...plain, spans: items.slice(0, 300) }));
  });

  it('skips undefined, function and symbol members of the batch, as JSON.stringify does', () => {
    const batch = { a: undefined, b: [1], c: () => 1, d: 'x', e: Symbol('e') };
    const { body } = new BatchJsonWriter().encode(batch);
    expect(body.toString()).toBe(JSON.stringify(batch));
  });

  it('leaves a held body untouched while the next batch is encoded, and reuses it once released', () => {
    const writer = new BatchJsonWriter();
    const first = writer.encode(batchOf(50, () => 'first'));
    const firstText = first.body.toString();
    const second = writer.encode(batchOf(50, () => 'other'));
    expect(first.body.toString()).toBe(firstText);
    expect(second.body.buffer).not.toBe(first.body.buffer);

    first.release();
    first.release();
    const third = writer.encode(batchOf(60, () => 'third'));
    expect(third.body.buffer).toBe(first.body.buffer);
    expect(third.body.toString()).toBe(JSON.stringify(batchOf(60, () => 'third')));
    expect(second.body.toString()).toBe(JSON.stringify(batchOf(50, () => 'other')));
  });

  it('grows past its first buffer and keeps the grown one for the next batch', () => {
    const writer = new BatchJsonWriter();
    const big = batchOf(5000, (i) => `big-${i}-${'y'.repeat(60)}`);
    const encoded = writer.encode(big);
    expect(encoded.body.length).toBeGreaterThan(256 * 1024);
    expect(encoded.body.equals(Buffer.from(JSON.stringify(big)))).toBe(true);
    encoded.release();
    const next = writer.encode(batchOf(10));
    expect(next.body.buffer).toBe(encoded.body.buffer);
  });
});
