/**
 * The SDK as OTel's global context manager (`traces.registerGlobal`) takes any context the OTel
 * API lets a caller build: a span context that is empty, null or holds no string ids (a foreign
 * propagator's or instrumentation's) means "no trace", as OTel's own manager treats it, never a
 * throw into the caller's `context.with`.
 */
import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, context, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { afterAll, describe, expect, it } from 'vitest';
import { init, type MemoryTransport } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const logs = captureLogs();
const monitor = init(
  {
    serviceName: 'context-manager-test',
    transport: { type: 'memory' },
    traces: { registerGlobal: true },
    metrics: { enabled: false },
    logs: { destination: logs.destination, export: false },
    diagnostics: { destination: captureLogs().destination },
  },
  {},
);
afterAll(() => monitor.shutdown());

describe('context.with a foreign span context', () => {
  it.each([
    ['empty', {}],
    ['null', null],
    ['with ids that are not strings', { traceId: 1, spanId: 2, traceFlags: 1 }],
    [
      'with ids whose string form is valid hex',
      { traceId: { toString: () => 'a'.repeat(32) }, spanId: { toString: () => 'b'.repeat(16) } },
    ],
  ])('%s: runs fn, its lines carry no trace ids', (_, spanContext) => {
    const foreign = trace.setSpanContext(ROOT_CONTEXT, spanContext as unknown as SpanContext);
    const result = monitor.span('outer', () =>
      context.with(foreign, () => {
        monitor.logger.info('inside');
        return monitor.activeContext();
      }),
    );
    expect(result).toBeUndefined();
    expect(logs.lines.at(-1)).toMatchObject({ msg: 'inside' });
    expect(logs.lines.at(-1)).not.toHaveProperty('trace_id');
  });
});

describe("a request's context bound and run elsewhere", () => {
  /** Runs `fn` inside a request of id `id`, as the framework plugins do. */
  function inRequest<T>(id: string, fn: () => T): T {
    const request = monitor.http.start({
      method: 'GET',
      path: '/',
      headers: { 'x-request-id': id },
    });
    try {
      return monitor.contextStorage.run(request.store, fn);
    } finally {
      request.end({ statusCode: 200, route: '/' });
    }
  }

  const lastLine = (msg: string) => logs.lines.findLast((line) => line.msg === msg);

  it('carries its request id with its trace ids, from another request and from none', () => {
    const [bound, traceOfA] = inRequest('req-A', () => [
      context.bind(context.active(), () => monitor.logger.info('bound to A')),
      trace.getActiveSpan()?.spanContext().traceId,
    ]);
    expect(traceOfA).toMatch(/^[0-9a-f]{32}$/);
    const before = logs.lines.length;
    inRequest('req-B', () => bound());
    bound();
    const lines = logs.lines.slice(before).filter((line) => line.msg === 'bound to A');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatchObject({ request_id: 'req-A', trace_id: traceOfA });
  });

  it("an emitter bound to A's context runs its listeners in A, whoever emits", () => {
    // Node's EventEmitter runs a listener in the context of the code that emits (README).
    const emitter = new EventEmitter();
    inRequest('req-E', () => {
      context.bind(context.active(), emitter);
      emitter.on('ready', () => monitor.logger.info('listener of E'));
    });
    inRequest('req-F', () => emitter.emit('ready'));
    expect(lastLine('listener of E')).toMatchObject({ request_id: 'req-E' });
  });

  it('a context that carries no request id keeps the current request id', () => {
    inRequest('req-C', () =>
      context.with(ROOT_CONTEXT, () => monitor.logger.info('root inside C')),
    );
    expect(lastLine('root inside C')).toMatchObject({ request_id: 'req-C' });
    expect(lastLine('root inside C')).not.toHaveProperty('trace_id');
  });
});

describe('monitor.span under a context the OTel API built', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const upper = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID.toUpperCase(),
    spanId: '00F067AA0BA902B7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const prediction = { model: 'm', modelVersion: '1', features: { a: 1 }, prediction: 1 };

  it('a parent in upper-case hex: lines, samples and traceparent carry lower-case ids', async () => {
    const inside = context.with(upper, () =>
      monitor.span('child of upper', () => {
        monitor.logger.info('child of upper');
        monitor.logPrediction(prediction);
        return { active: monitor.activeContext(), headers: monitor.traceHeaders() };
      }),
    );
    expect(inside.active?.traceId).toBe(TRACE_ID);
    expect(inside.active?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(inside.headers.traceparent).toBe(`00-${TRACE_ID}-${inside.active?.spanId}-01`);
    expect(logs.lines.at(-1)).toMatchObject({ msg: 'child of upper', trace_id: TRACE_ID });
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    expect(transport.items('predictions').at(-1)).toMatchObject({ traceId: TRACE_ID });
  });

  it('tracing suppressed in a request: no span; lines keep the request id, never all-zero ids', async () => {
    const request = monitor.http.start({ method: 'GET', path: '/', headers: {} });
    const inside = monitor.contextStorage.run(request.store, () =>
      context.with(suppressTracing(context.active()), () =>
        monitor.span('suppressed', () => {
          monitor.logger.info('suppressed');
          monitor.logPrediction(prediction);
          return monitor.activeContext();
        }),
      ),
    );
    request.end({ statusCode: 200, route: '/' });
    // As OTel's log correlation treats the invalid span the tracer made: no trace.
    expect(inside).toBeUndefined();
    const line = logs.lines.findLast((entry) => entry.msg === 'suppressed');
    expect(line).toMatchObject({ request_id: request.requestId });
    expect(line).not.toHaveProperty('trace_id');
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    expect(transport.items('predictions').at(-1)).not.toHaveProperty('traceId');
    expect(transport.items('spans').map((span) => span.name)).not.toContain('suppressed');
  });

  it('tracing suppressed outside a request: lines carry no trace ids, never all zeros', () => {
    const inside = context.with(suppressTracing(ROOT_CONTEXT), () =>
      monitor.span('suppressed alone', () => {
        monitor.logger.info('suppressed alone');
        return monitor.activeContext();
      }),
    );
    expect(inside).toBeUndefined();
    expect(logs.lines.at(-1)?.msg).toBe('suppressed alone');
    expect(logs.lines.at(-1)).not.toHaveProperty('trace_id');
  });
});
