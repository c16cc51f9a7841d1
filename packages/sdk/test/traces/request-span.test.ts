/**
 * Request spans: W3C traceparent continuation, parent-based ratio sampling as OTel decides it,
 * the SpanRecord they export (valid by construction, validated once user code changed them; the
 * same bytes when rendered straight to JSON for the HTTP and Kafka transports) and
 * their use as the parent of OTel child spans.
 */
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { validateItem, type SpanRecord } from '@driftwatch/schema';
import { describe, expect, it } from 'vitest';
import type { RequestSpan } from '../../src/traces/request-span.js';
import { createRequestSpanStarter } from '../../src/traces/request-span-start.js';
import { convertSpan } from '../../src/traces/span-record.js';
import { WireJson } from '../../src/transport/wire-json.js';
import { convertedTwice } from '../support/converted-span.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const attributes = (): Record<string, string> => ({
  'http.request.method': 'GET',
  'url.path': '/users/7',
  'url.scheme': 'http',
});

function starter(sampleRatio = 1): {
  start: ReturnType<typeof createRequestSpanStarter>;
  ended: RequestSpan[];
} {
  const ended: RequestSpan[] = [];
  return {
    start: createRequestSpanStarter({ sampleRatio, onEnd: (span) => ended.push(span) }),
    ended,
  };
}

/** The span's record; its wire JSON (for HTTP and Kafka) must be that record's JSON exactly. */
function exported(span: RequestSpan): SpanRecord {
  const { result, wire } = convertedTwice(span);
  if (!result.ok) throw new Error(result.issue);
  if (wire.ok && wire.item instanceof WireJson) {
    expect(wire.item.json).toBe(JSON.stringify(result.item));
    expect(wire.item.key).toBe(span.traceId);
  } else expect(wire).toEqual(result);
  return result.item as SpanRecord;
}

describe('request spans', () => {
  it('start a sampled trace and export a valid SERVER span record', () => {
    const { start, ended } = starter();
    const before = BigInt(Date.now()) * 1_000_000n;
    const span = start('GET', attributes(), {});
    expect(span.spanContext()).toMatchObject({ traceFlags: 1, isRemote: false });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.isRecording()).toBe(true);
    span.endRequest('GET', '/users/:id', 200, undefined, undefined);
    expect(span.isRecording()).toBe(false);
    expect(ended).toEqual([span]);
    const record = exported(span);
    expect(record).toEqual({
      traceId: span.traceId,
      spanId: span.spanId,
      name: 'GET /users/:id',
      kind: 'SERVER',
      startTimeUnixNano: expect.stringMatching(/^\d{19}$/),
      endTimeUnixNano: expect.stringMatching(/^\d{19}$/),
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/users/7',
        'url.scheme': 'http',
        'http.route': '/users/:id',
        'http.response.status_code': 200,
      },
    });
    const startNs = BigInt(record.startTimeUnixNano);
    expect(
      startNs >= before - 5_000_000n && startNs <= BigInt(Date.now()) * 1_000_000n + 5_000_000n,
    ).toBe(true);
    expect(BigInt(record.endTimeUnixNano) >= startNs).toBe(true);
    expect(validateItem('spans', record).ok).toBe(true);
  });

  it('marks a failed request with ERROR and an exception event', () => {
    const { start } = starter();
    const span = start('POST', attributes(), {});
    span.endRequest('POST', undefined, 500, new TypeError('kaput'), 'TypeError');
    const record = exported(span);
    expect(record.name).toBe('POST');
    expect(record.status).toEqual({ code: 'ERROR' });
    expect(record.events?.[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'TypeError', 'exception.message': 'kaput' },
    });
    expect(record.attributes?.['error.type']).toBe('TypeError');
    expect(validateItem('spans', record).ok).toBe(true);
  });

  it('keeps the description of an ERROR status the handler set when the request fails', () => {
    const { start } = starter();
    const span = start('POST', attributes(), {});
    span.setStatus({ code: 2, message: 'model timed out' });
    span.endRequest('POST', '/predict', 503, new Error('upstream'), 'Error');
    expect(exported(span).status).toEqual({ code: 'ERROR', message: 'model timed out' });
  });

  it('leaves a client error (4xx, even with an error thrown) unset, without error.type', () => {
    const { start } = starter();
    const span = start('POST', attributes(), {});
    span.endRequest('POST', '/items', 400, new Error('body/name must be string'), undefined);
    const record = exported(span);
    expect(record.status).toBeUndefined();
    expect(record.events).toBeUndefined();
    expect(record.attributes?.['error.type']).toBeUndefined();
    expect(record.attributes?.['http.response.status_code']).toBe(400);
  });

  it('renders names and attributes that need escaping as JSON.stringify does', () => {
    const { start } = starter();
    const odd = '/a"b\\c/é/\u0007/\ud800/😀';
    const span = start(
      'GET',
      { 'http.request.method': 'GET', 'url.path': odd, 'url.scheme': 'http' },
      {
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      },
    );
    span.endRequest('GET', `/route/"${odd}"`, 201, undefined, undefined);
    const wire = convertSpan(span, true);
    expect(wire.ok && wire.item instanceof WireJson).toBe(true);
    const record = exported(span);
    expect(record.attributes).toMatchObject({ 'url.path': odd, 'http.response.status_code': 201 });
    expect(record.parentSpanId).toBe(PARENT_ID);
    expect(validateItem('spans', record).ok).toBe(true);
  });

  it('continues a W3C traceparent, its sampled flag and tracestate', () => {
    const { start, ended } = starter(0);
    const span = start('GET', attributes(), {
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
      tracestate: ['vendor=a', 'other=b'],
    });
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.parentSpanId).toBe(PARENT_ID);
    expect(span.spanContext().traceState?.serialize()).toBe('vendor=a,other=b');
    span.end();
    expect(exported(ended[0]!)).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_ID });

    const unsampled = starter(1);
    const notRecorded = unsampled.start('GET', attributes(), {
      traceparent: `00-${TRACE_ID}-${PARENT_ID}-00`,
    });
    expect(notRecorded.isRecording()).toBe(false);
    expect(notRecorded.spanContext().traceFlags).toBe(0);
    notRecorded.endRequest('GET', '/x', 200, undefined, undefined);
    expect(unsampled.ended).toEqual([]);
  });

  it('ignores an invalid traceparent', () => {
    const { start } = starter();
    for (const traceparent of [
      `00-${'0'.repeat(32)}-${PARENT_ID}-01`,
      `ff-${TRACE_ID}-${PARENT_ID}-01`,
      `00-${TRACE_ID}-${PARENT_ID}-01-extra`,
      'garbage',
    ]) {
      const span = start('GET', attributes(), { traceparent });
      expect(span.traceId).not.toBe(TRACE_ID);
      expect(span.parentSpanId).toBeUndefined();
    }
  });

  it('samples new traces by ratio exactly as OTel TraceIdRatioBasedSampler does', () => {
    const ratio = 0.3;
    const otel = new TraceIdRatioBasedSampler(ratio);
    const { start } = starter(ratio);
    let sampled = 0;
    for (let i = 0; i < 2000; i += 1) {
      const span = start('GET', attributes(), {});
      const decision = otel.shouldSample(ROOT_CONTEXT, span.traceId).decision;
      expect(span.spanContext().traceFlags === 1).toBe(decision === 2);
      if (span.isRecording()) sampled += 1;
    }
    expect(sampled / 2000).toBeGreaterThan(0.2);
    expect(sampled / 2000).toBeLessThan(0.4);
    expect(starter(0).start('GET', attributes(), {}).isRecording()).toBe(false);
  });

  it('validates the record once user code changed the span', () => {
    const { start } = starter();
    const span = start('GET', attributes(), {});
    span.setAttribute('user.note', 'fine').setAttribute('user.list', ['a', null, 'b'] as never);
    span.addEvent('cache miss', { key: 'k' });
    span.setStatus({ code: 1 });
    span.end();
    expect(span.untrusted).toBe(true);
    expect(exported(span)).toMatchObject({
      attributes: { 'user.note': 'fine', 'user.list': ['a', 'b'] },
      events: [{ name: 'cache miss', attributes: { key: 'k' } }],
      status: { code: 'OK' },
    });

    const tooLong = start('GET', attributes(), {});
    tooLong.setAttribute('huge', 'x'.repeat(9000));
    tooLong.end();
    // Clipped to the schema's limit as OTel's span limits clip, not dropped (test/traces/span-limits).
    expect(exported(tooLong).attributes?.huge).toBe('x'.repeat(8192));
  });

  it('is the parent of spans made by the OTel tracer', () => {
    const { start } = starter();
    const span = start('GET', attributes(), {});
    const parent = trace.setSpan(ROOT_CONTEXT, span);
    const tracer = new BasicTracerProvider().getTracer('t');
    const child = tracer.startSpan('child', { kind: SpanKind.INTERNAL }, parent);
    expect(child.isRecording()).toBe(true);
    expect(child.spanContext().traceId).toBe(span.traceId);
    expect((child as unknown as ReadableSpan).parentSpanContext?.spanId).toBe(span.spanId);
    // A request that is not sampled has children that are not recorded either.
    const unsampled = starter(0).start('GET', attributes(), {});
    expect(tracer.startSpan('c', {}, trace.setSpan(ROOT_CONTEXT, unsampled)).isRecording()).toBe(
      false,
    );
  });
});
