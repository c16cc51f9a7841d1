/**
 * Span limits: a value the schema would refuse (a string over 8192 characters, an array over 128
 * items, NaN or ±Infinity, a key over 256 characters, a name over 1024) is clipped or left out
 * as OTel's span limits do, and the span is still exported: one oversized attribute must not
 * cost the whole span (for a request span, the root of the request's trace).
 */
import type { Span } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { validateItem, type SpanRecord } from '@driftwatch/schema';
import { init, type MemoryTransport } from '../../src/index.js';
import { createRequestSpanStarter } from '../../src/traces/request-span-start.js';
import type { RequestSpan } from '../../src/traces/request-span.js';
import { convertSpan } from '../../src/traces/span-record.js';
import { captureLogs } from '../support/log-capture.js';

const LONG = 'x'.repeat(9000);
const MANY = Array.from({ length: 200 }, (_, i) => i);
const LONG_KEY = 'k'.repeat(300);

const monitor = init(
  {
    serviceName: 'span-limits-test',
    transport: { type: 'memory' },
    logs: { destination: captureLogs().destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);
afterAll(() => monitor.shutdown());

async function exportedSpan(name: string): Promise<SpanRecord | undefined> {
  await monitor.flush();
  const spans = (monitor.transport as MemoryTransport).items('spans') as SpanRecord[];
  return spans.find((span) => span.name.startsWith(name));
}

function expectClipped(attributes: SpanRecord['attributes']): void {
  expect(attributes?.long).toBe(LONG.slice(0, 8192));
  expect(attributes?.many).toEqual(MANY.slice(0, 128));
  expect(attributes?.nan).toBe('NaN');
  expect(attributes?.inf).toBe('-Infinity');
  expect(attributes?.mixed).toEqual([1, 'NaN', 2]);
  expect(attributes?.texts).toEqual(['a', LONG.slice(0, 8192)]);
  expect(attributes?.ok).toBe(1);
  expect(attributes && Object.hasOwn(attributes, LONG_KEY)).toBe(false);
}

function setOversized(span: {
  setAttribute(key: string, value: unknown): unknown;
  addEvent(name: string, attributes: Record<string, unknown>): unknown;
}): void {
  span.setAttribute('long', LONG);
  span.setAttribute('many', MANY);
  span.setAttribute('nan', Number.NaN);
  span.setAttribute('inf', Number.NEGATIVE_INFINITY);
  span.setAttribute('mixed', [1, Number.NaN, 2]);
  span.setAttribute('texts', ['a', LONG]);
  span.setAttribute(LONG_KEY, 'dropped');
  span.setAttribute('ok', 1);
  span.addEvent('input', { long: LONG, many: MANY, nan: Number.NaN });
}

describe('span limits', () => {
  it('monitor.span: oversized values are clipped, the span is exported', async () => {
    monitor.span('predict', (span) => setOversized(span as never));
    const span = await exportedSpan('predict');
    expect(monitor.stats.dropped.invalid).toBe(0);
    expect(span).toBeDefined();
    expect(validateItem('spans', span).ok).toBe(true);
    expectClipped(span?.attributes);
    expect(span?.events?.[0]?.attributes).toEqual({
      long: LONG.slice(0, 8192),
      many: MANY.slice(0, 128),
      nan: 'NaN',
    });
  });

  it('monitor.span: a name over 1024 characters is clipped, the span is exported', async () => {
    monitor.span(`long-name-${LONG}`, () => undefined);
    const span = await exportedSpan('long-name-');
    expect(monitor.stats.dropped.invalid).toBe(0);
    expect(span?.name).toHaveLength(1024);
  });

  it('request span changed by user code: clipped, not dropped', () => {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (s) => ended.push(s) });
    const span = start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {});
    setOversized(span as never);
    span.updateName(`renamed-${LONG}`);
    span.end();
    const result = convertSpan(ended[0], false);
    expect(result).toMatchObject({ ok: true });
    const record = (result as { item: SpanRecord }).item;
    expectClipped(record.attributes);
    expect(record.name).toHaveLength(1024);
    expect(record.events?.[0]?.attributes).toEqual({
      long: LONG.slice(0, 8192),
      many: MANY.slice(0, 128),
      nan: 'NaN',
    });
  });

  it("a request span's event and link keep their first 128 attributes, as an OTel span's do", async () => {
    const attributes = Object.fromEntries(MANY.map((i) => [`k${i}`, i]));
    const link = {
      context: {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: 1,
      },
      attributes,
    };
    const request = monitor.http.start({ method: 'GET', path: '/many', headers: {} });
    monitor.contextStorage.run(request.store, () => {
      monitor.span('many-attributes', (span) => {
        span.addEvent('many', attributes);
        span.addLink(link);
      });
      request.store.span.addEvent('many', attributes);
      request.store.span.addLink(link);
    });
    request.end({ statusCode: 200, route: '/many' });
    const first128 = Object.fromEntries(MANY.slice(0, 128).map((i) => [`k${i}`, i]));
    for (const name of ['many-attributes', 'GET /many']) {
      const span = await exportedSpan(name);
      expect(span?.events?.[0]?.attributes).toEqual(first128);
      expect(span?.links?.[0]?.attributes).toEqual(first128);
    }
  });
});

describe('names and times the schema would refuse', () => {
  /** Runs `make`, then says how many spans were refused as invalid and which one is named `name`. */
  async function exportedAfter(
    name: string,
    make: () => void,
  ): Promise<{ invalid: number; span: SpanRecord | undefined }> {
    const items = (): SpanRecord[] =>
      (monitor.transport as MemoryTransport).items('spans') as SpanRecord[];
    const before = monitor.stats.dropped.invalid;
    const known = items().length;
    make();
    await monitor.flush();
    const fresh = items().slice(known);
    return {
      invalid: monitor.stats.dropped.invalid - before,
      span: fresh.find((span) => span.name === name),
    };
  }

  it('an empty span name is exported as unnamed, not dropped', async () => {
    for (const make of [
      () => monitor.span('', () => undefined),
      () => monitor.tracer.startSpan('').end(),
      () => {
        const span = monitor.tracer.startSpan('to-be-renamed');
        span.updateName('');
        span.end();
      },
    ]) {
      const { invalid, span } = await exportedAfter('unnamed', make);
      expect(invalid).toBe(0);
      expect(validateItem('spans', span).ok).toBe(true);
    }
  });

  it('a request span renamed to an empty name is exported as unnamed', () => {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (s) => ended.push(s) });
    const span = start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {});
    span.updateName('');
    span.end();
    expect(convertSpan(ended[0], false)).toMatchObject({ ok: true, item: { name: 'unnamed' } });
  });

  it('an end or event time that is no time, or before 1970, does not cost the span', async () => {
    const cases: Array<[string, (span: Span) => void]> = [
      ['end-nan', (span) => span.end(Number.NaN)],
      ['end-invalid-date', (span) => span.end(new Date('not a date'))],
      ['event-nan', (span) => span.addEvent('e', Number.NaN).end()],
      ['event-1969', (span) => span.addEvent('e', new Date(-1000)).end()],
    ];
    for (const [name, finish] of cases) {
      const { invalid, span } = await exportedAfter(name, () =>
        finish(monitor.tracer.startSpan(name)),
      );
      expect({ name, invalid }).toEqual({ name, invalid: 0 });
      expect(validateItem('spans', span).ok).toBe(true);
      expect(BigInt(span!.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span!.startTimeUnixNano));
    }
    const { invalid, span } = await exportedAfter('start-1969', () =>
      monitor.tracer.startSpan('start-1969', { startTime: new Date(-1000) }).end(),
    );
    expect(invalid).toBe(0);
    expect(span?.startTimeUnixNano).toBe('0');
  });

  it('a request span ended or given an event at no time, or before 1970, is still valid', () => {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (s) => ended.push(s) });
    const attributes = { 'http.request.method': 'GET', 'url.path': '/' };
    start('GET', { ...attributes }, {}).end(Number.NaN);
    start('GET', { ...attributes }, {})
      .addEvent('e', new Date(Number.NaN))
      .end();
    start('GET', { ...attributes }, {})
      .addEvent('e', new Date(-1000))
      .end();
    expect(ended).toHaveLength(3);
    for (const span of ended) expect(convertSpan(span, false)).toMatchObject({ ok: true });
  });
});
