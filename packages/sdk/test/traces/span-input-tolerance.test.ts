/**
 * What the OTel API lets callers hand a span, kept from costing the span or throwing into their
 * code: a parent context in upper-case hex (the API and B3-style propagators take it; the
 * schema takes lower-case ids only), and an exception whose fields are not strings (JavaScript
 * callers, errors whose `message` or `stack` was replaced).
 */
import { ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { SpanRecord } from '@driftwatch/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { init, type MemoryTransport } from '../../src/index.js';
import { createRequestSpanStarter } from '../../src/traces/request-span-start.js';
import type { RequestSpan } from '../../src/traces/request-span.js';
import { convertSpan } from '../../src/traces/span-record.js';
import { captureLogs } from '../support/log-capture.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

const logs = captureLogs();
const monitor = init(
  {
    serviceName: 'span-input-test',
    transport: { type: 'memory' },
    logs: { destination: logs.destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);
afterAll(() => monitor.shutdown());

describe('a parent in upper-case hex', () => {
  const upper = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID.toUpperCase(),
    spanId: PARENT_ID.toUpperCase(),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });

  it('gives a child span exported with lower-case ids, as its log lines carry them', async () => {
    const child = monitor.tracer.startSpan('upper-parent', {}, upper);
    monitor.tracer.startActiveSpan('upper-active', {}, upper, (span) => {
      monitor.logger.info('inside');
      span.end();
    });
    child.end();
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans') as SpanRecord[];
    for (const name of ['upper-parent', 'upper-active']) {
      expect(spans.find((span) => span.name === name)).toMatchObject({
        traceId: TRACE_ID,
        parentSpanId: PARENT_ID,
      });
    }
    expect(logs.lines.at(-1)).toMatchObject({ msg: 'inside', trace_id: TRACE_ID });
    expect(monitor.stats.dropped.invalid).toBe(0);
  });
});

describe('an exception whose fields are not strings', () => {
  function requestSpan(): { span: RequestSpan; ended: RequestSpan[] } {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (span) => ended.push(span) });
    return { span: start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {}), ended };
  }

  it('is recorded by recordException without throwing', () => {
    const { span, ended } = requestSpan();
    expect(() =>
      span.recordException({ code: 42, message: { detail: 'x' }, stack: ['a'] } as never),
    ).not.toThrow();
    span.end();
    const result = convertSpan(ended[0], false);
    expect(result).toMatchObject({ ok: true });
    expect((result as { item: SpanRecord }).item.events).toEqual([
      {
        name: 'exception',
        timeUnixNano: expect.any(String),
        attributes: { 'exception.type': '42' },
      },
    ]);
  });

  it("ends a failed request's span with its status, whatever the error's message", () => {
    const { span, ended } = requestSpan();
    const error = new TypeError('kaput');
    (error as { message: unknown }).message = { code: 7 };
    expect(() => span.endRequest('GET', '/x', 500, error, 'TypeError')).not.toThrow();
    const result = convertSpan(ended[0], false);
    expect(result).toMatchObject({
      ok: true,
      item: {
        status: { code: 'ERROR' },
        events: [{ name: 'exception', attributes: { 'exception.type': 'TypeError' } }],
      },
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('span and event names that are not strings', () => {
  /** A Proxy already revoked: every operation on it throws, Array.isArray included. */
  function revokedProxy(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }
  const throwingToString = {
    toString: (): never => {
      throw new Error('no name');
    },
  };
  // What a JavaScript caller may pass, and the name the span or event is exported with.
  const NAMES: Array<[string, unknown, string]> = [
    ['a number', 77, '77'],
    ['null', null, 'null'],
    ['an object whose toString gives ""', { toString: () => '' }, ''],
    ['a throwing toString', throwingToString, 'an object'],
    ['an object with no string form', Object.create(null), 'an object'],
    ['a revoked Proxy', revokedProxy(), 'a revoked proxy'],
  ];
  /** Span names are 1–1024 characters: an empty one is exported as `unnamed`. */
  const spanName = (name: string): string => name || 'unnamed';

  async function exportedSpans(): Promise<SpanRecord[]> {
    await monitor.flush();
    return (monitor.transport as MemoryTransport).items('spans') as SpanRecord[];
  }

  it.each(NAMES)(
    'tracer.startSpan(%s): the span is exported, named as text',
    async (_, name, text) => {
      const before = monitor.stats.dropped.invalid;
      expect(() => monitor.tracer.startSpan(name as never).end()).not.toThrow();
      expect((await exportedSpans()).at(-1)?.name).toBe(spanName(text));
      expect(monitor.stats.dropped.invalid).toBe(before);
    },
  );

  it.each(NAMES)('updateName(%s): the span is exported, named as text', async (_, name, text) => {
    const before = monitor.stats.dropped.invalid;
    monitor.span('to-rename', (span) => {
      expect(() => span.updateName(name as never)).not.toThrow();
    });
    expect((await exportedSpans()).at(-1)?.name).toBe(spanName(text));
    expect(monitor.stats.dropped.invalid).toBe(before);
  });

  it.each(NAMES)(
    'addEvent(%s): the span is exported, the event named as text',
    async (_, name, text) => {
      const before = monitor.stats.dropped.invalid;
      monitor.span('with-event', (span) => {
        expect(() => span.addEvent(name as never, { k: 1 })).not.toThrow();
      });
      const span = (await exportedSpans()).at(-1);
      expect(span?.name).toBe('with-event');
      expect(span?.events).toEqual([
        { name: text, timeUnixNano: expect.any(String), attributes: { k: 1 } },
      ]);
      expect(monitor.stats.dropped.invalid).toBe(before);
    },
  );

  it.each(NAMES)(
    "the request's SERVER span given %s by updateName and addEvent: exported, named as text",
    async (_, name, text) => {
      const before = monitor.stats.dropped.invalid;
      const renamed = monitor.http.start({ method: 'GET', path: '/renamed', headers: {} });
      expect(() => renamed.store.span.updateName(name as never)).not.toThrow();
      renamed.end({ statusCode: 200, route: undefined });
      const withEvent = monitor.http.start({ method: 'GET', path: '/event', headers: {} });
      expect(() => withEvent.store.span.addEvent(name as never)).not.toThrow();
      withEvent.end({ statusCode: 200, route: '/event' });
      const [first, second] = (await exportedSpans()).slice(-2);
      expect(first?.name).toBe(spanName(text));
      expect(second).toMatchObject({ name: 'GET /event', events: [{ name: text }] });
      expect(monitor.stats.dropped.invalid).toBe(before);
    },
  );
});
