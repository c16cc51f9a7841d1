/** BatchJsonWriter: the same bytes as JSON.stringify, in a buffer reused only once released. */
import { describe, expect, it } from 'vitest';
import { BatchJsonWriter, wellFormSurrogateEscapes } from '../../src/transport/batch-json.js';
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

  it('does not keep a buffer grown by one huge batch for the next ones', () => {
    const writer = new BatchJsonWriter();
    // ~10 MB: past the 8 MB a kept buffer may have.
    const huge = writer.encode(batchOf(100, (i) => `${i}${'z'.repeat(100_000)}`));
    expect(huge.body.length).toBeGreaterThan(8 * 1024 * 1024);
    huge.release();
    const next = writer.encode(batchOf(10));
    expect(next.body.buffer).not.toBe(huge.body.buffer);
    expect(next.body.buffer.byteLength).toBeLessThanOrEqual(256 * 1024);
    expect(next.body.toString()).toBe(JSON.stringify(batchOf(10)));
  });
});

/** What a UTF-8 encoder (and String.prototype.toWellFormed) makes of lone surrogates. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value instanceof WireJson) return wellFormed(JSON.parse(value.json));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [wellFormed(key), wellFormed(member)]),
  );
}

describe('lone surrogates', () => {
  // The collector's ClickHouse insert fails for the whole batch on `\ud800` (503, retried until
  // the batch is dropped): the body carries U+FFFD instead, as any UTF-8 encoder writes it.
  const HOSTILE = [
    '\ud800',
    'x\udfffy',
    '\udc00\ud800', // a pair the wrong way round: two lone surrogates
    '😀 \ud83d\ude00 pair kept',
    'trailing high \ud83d',
    '\\ud800 is text, not an escape',
    '\\\ud800 backslash then a lone surrogate',
    '\\\\ud800 two backslashes',
    '\ud7ff \ue000 \u2028 \u0000 \u001f neighbours',
    'q"\\"\ud801',
  ];

  it.each(HOSTILE.map((text) => [JSON.stringify(text), text]))(
    'writes %s as JSON.stringify does, lone surrogates as U+FFFD',
    (_name, text) => {
      const records = {
        resource: { [`k${text}`]: text },
        predictions: [prediction(1, text), { segment: text }],
        logs: [{ body: text, attributes: { [text]: [text, 1] } }],
      };
      // The same batch with its second prediction already rendered.
      const batch = {
        ...records,
        predictions: [
          records.predictions[0],
          new WireJson(JSON.stringify({ segment: text }), null),
        ],
      };
      const json = new BatchJsonWriter().encode(batch).body.toString('utf8');
      // JSON.stringify's text, each lone surrogate's escape replaced by U+FFFD's in place.
      const expected = JSON.stringify(records).replace(
        /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g,
        '$1\\ufffd',
      );
      expect(json).toBe(expected);
      expect(JSON.parse(json)).toEqual(wellFormed(records));
      expect(json).not.toMatch(/(?<!\\)(?:\\\\)*\\ud[89a-f]/);
    },
  );

  it('leaves bodies without lone surrogates as they are', () => {
    const text = HOSTILE.filter((t) => !/[\ud800-\udfff]/.test(t.replace(/😀|\ud83d\ude00/g, '')));
    const body = Buffer.from(JSON.stringify({ text }));
    expect(wellFormSurrogateEscapes(body)).toBe(0);
    expect(body.toString()).toBe(JSON.stringify({ text }));
  });
});
