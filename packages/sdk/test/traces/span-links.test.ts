/**
 * Trace state and links are exported: a request span carries the caller's `tracestate` as OTel
 * parses it (so the wire holds what children and outgoing calls carry on), OTel child spans
 * inherit it, and links added to either kind of span reach the record, checked and clipped as
 * the schema takes them. Hostile links are left out, never thrown.
 */
import { ROOT_CONTEXT, trace, type Link, type TraceState } from '@opentelemetry/api';
import { TraceState as W3CTraceState } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { validateItem, type SpanRecord } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import type { RequestSpan } from '../../src/traces/request-span.js';
import { createRequestSpanStarter } from '../../src/traces/request-span-start.js';
import { convertSpan, estimateSpanBytes, queuedSpan } from '../../src/traces/span-record.js';
import { WireJson } from '../../src/transport/wire-json.js';
import { convertedTwice } from '../support/converted-span.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const LINKED_TRACE = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN = 'b7ad6b7169203331';
const traceparent = `00-${TRACE_ID}-${PARENT_ID}-01`;
const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: () => undefined });
const attributes = (): Record<string, string> => ({ 'http.request.method': 'GET' });

function link(overrides: Partial<Link['context']> = {}, linkAttributes?: Link['attributes']): Link {
  const context = { traceId: LINKED_TRACE, spanId: LINKED_SPAN, traceFlags: 1, ...overrides };
  return linkAttributes === undefined ? { context } : { context, attributes: linkAttributes };
}

/** The record both ways (object and wire JSON); the JSON must be the record's, and valid. */
function exported(span: RequestSpan | ReadableSpan): SpanRecord {
  const { result, wire } = convertedTwice(span);
  if (!result.ok) throw new Error(result.issue);
  if (wire.ok && wire.item instanceof WireJson) {
    expect(wire.item.json).toBe(JSON.stringify(result.item));
  } else expect(wire).toEqual(result);
  expect(validateItem('spans', result.item).ok).toBe(true);
  return result.item as SpanRecord;
}

describe('trace state', () => {
  it("exports the caller's tracestate on the request span, rendered as its record", () => {
    const span = start('GET', attributes(), { traceparent, tracestate: ['v=a"b\\c', 'o=1'] });
    span.endRequest('GET', '/x', 200, undefined, undefined);
    expect(span.untrusted).toBe(false);
    expect(exported(span).traceState).toBe('v=a"b\\c,o=1');
  });

  it('exports what OTel keeps of it: invalid members dropped, none over 512 characters', () => {
    const trimmed = start('GET', attributes(), { traceparent, tracestate: 'ok=1,bad key=2, x=3 ' });
    trimmed.end();
    expect(exported(trimmed).traceState).toBe('ok=1,x=3');
    expect(trimmed.spanContext().traceState?.serialize()).toBe('ok=1,x=3');

    const long = start('GET', attributes(), { traceparent, tracestate: `k=${'v'.repeat(511)}` });
    long.end();
    expect(exported(long).traceState).toBeUndefined();
    const none = start('GET', attributes(), { traceparent, tracestate: 'no members' });
    none.end();
    expect(exported(none)).not.toHaveProperty('traceState');
    // A new trace has none, whatever header came without a traceparent.
    const fresh = start('GET', attributes(), { tracestate: 'k=v' });
    fresh.end();
    expect(exported(fresh)).not.toHaveProperty('traceState');
  });

  it('is inherited by OTel child spans and exported with them', () => {
    const parent = start('GET', attributes(), { traceparent, tracestate: 'vendor=7' });
    const tracer = new BasicTracerProvider().getTracer('t');
    const child = tracer.startSpan('predict', {}, trace.setSpan(ROOT_CONTEXT, parent));
    child.end();
    expect(exported(child as unknown as ReadableSpan).traceState).toBe('vendor=7');
  });

  it('leaves out a trace state that a custom implementation cannot serialize', () => {
    const tracer = new BasicTracerProvider().getTracer('t');
    const throwing = {
      serialize: () => {
        throw new Error('no');
      },
    } as unknown as TraceState;
    const context = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: 1, traceState: throwing };
    const child = tracer.startSpan('c', {}, trace.setSpanContext(ROOT_CONTEXT, context));
    child.end();
    expect(exported(child as unknown as ReadableSpan)).not.toHaveProperty('traceState');
  });
});

describe('links', () => {
  it('are kept on a request span, checked, and exported through its record', () => {
    const span = start('GET', attributes(), {});
    const before = span.estimatedBytes();
    span.addLink(
      link({ traceState: new W3CTraceState('k=v') }, { 'batch.index': 2, n: null as never }),
    );
    span.addLinks([
      // Upper-case ids are valid in the OTel API; the wire carries lower case.
      link({ traceId: LINKED_TRACE.toUpperCase(), spanId: '1111111111111111' }),
      link({ traceId: '0'.repeat(32) }),
      link({ spanId: 'not hex' }),
      null as unknown as Link,
      {
        get context(): never {
          throw new Error('hostile');
        },
      } as unknown as Link,
    ]);
    span.addLinks('not a list' as unknown as Link[]);
    expect(span.estimatedBytes()).toBeGreaterThan(before + 150);
    span.endRequest('GET', '/x', 200, undefined, undefined);
    expect(exported(span).links).toEqual([
      {
        traceId: LINKED_TRACE,
        spanId: LINKED_SPAN,
        traceState: 'k=v',
        attributes: { 'batch.index': 2 },
      },
      { traceId: LINKED_TRACE, spanId: '1111111111111111' },
    ]);
  });

  it('keep the latest 128 (as an OTel span does), and none once the span ended or when it is not recorded', () => {
    const span = start('GET', attributes(), {});
    for (let i = 0; i < 130; i += 1)
      span.addLink(link({ spanId: i.toString(16).padStart(16, '1') }));
    span.end();
    span.addLink(link());
    const links = exported(span).links ?? [];
    expect(links).toHaveLength(128);
    expect(links[0]?.spanId).toBe((2).toString(16).padStart(16, '1'));
    expect(links[127]?.spanId).toBe((129).toString(16).padStart(16, '1'));
    const queued = exported(span);
    const otel = new BasicTracerProvider().getTracer('t').startSpan('otel');
    for (let i = 0; i < 130; i += 1)
      otel.addLink(link({ spanId: i.toString(16).padStart(16, '1') }));
    otel.end();
    expect(
      (otel as unknown as { links: { context: { spanId: string } }[] }).links.map(
        (l) => l.context.spanId,
      ),
    ).toEqual((queued.links ?? []).map((l) => l.spanId));
    const unsampled = createRequestSpanStarter({ sampleRatio: 0, onEnd: () => undefined });
    const notRecorded = unsampled('GET', attributes(), {});
    notRecorded.addLink(link());
    expect(notRecorded.links).toBeUndefined();
  });

  it('of OTel spans are exported, counted in the queue estimate, clipped like attributes', () => {
    const tracer = new BasicTracerProvider().getTracer('t');
    const plain = tracer.startSpan('plain');
    plain.end();
    const linked = tracer.startSpan('linked', { links: [link({}, { input: 'x'.repeat(1000) })] });
    linked.addLink(link({ spanId: '2222222222222222', traceState: new W3CTraceState('a=b') }));
    linked.end();
    const readable = linked as unknown as ReadableSpan;
    expect(estimateSpanBytes(readable)).toBeGreaterThan(
      estimateSpanBytes(plain as unknown as ReadableSpan) + 1000,
    );
    // Nothing beyond the limits: queued as the span itself, converted when sent.
    expect(queuedSpan(readable)).toBe(readable);
    expect(exported(readable).links).toEqual([
      { traceId: LINKED_TRACE, spanId: LINKED_SPAN, attributes: { input: 'x'.repeat(1000) } },
      { traceId: LINKED_TRACE, spanId: '2222222222222222', traceState: 'a=b' },
    ]);

    const huge = tracer.startSpan('huge', { links: [link({}, { input: 'y'.repeat(20_000) })] });
    huge.end();
    const clipped = queuedSpan(huge as unknown as ReadableSpan);
    expect(clipped).not.toBe(huge);
    const record = convertSpan(clipped, false);
    expect(record.ok && (record.item as SpanRecord).links?.[0]?.attributes?.input).toHaveLength(
      8192,
    );
  });
});

describe('through the monitor', () => {
  let monitor: Monitor | undefined;
  afterEach(async () => {
    await monitor?.shutdown({ timeoutMs: 1000 });
  });

  it('a link added in monitor.span reaches the transport', async () => {
    monitor = init(
      { transport: { type: 'memory' }, logs: { export: false }, metrics: { enabled: false } },
      {},
    );
    monitor.span('score batch', (span) => {
      span.addLink(link({}, { 'messaging.message.id': 'm-1' }));
    });
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans') as SpanRecord[];
    expect(spans.map((span) => [span.name, span.links])).toEqual([
      [
        'score batch',
        [
          {
            traceId: LINKED_TRACE,
            spanId: LINKED_SPAN,
            attributes: { 'messaging.message.id': 'm-1' },
          },
        ],
      ],
    ]);
  });
});
