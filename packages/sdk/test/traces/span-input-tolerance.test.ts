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
