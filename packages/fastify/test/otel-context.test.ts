/**
 * The OpenTelemetry API sees the request: with `traces.registerGlobal` the SDK's request context
 * is OTel's active context (active span, propagation to outgoing calls, children made by other
 * tracers, `context.with` followed by log lines); without it, the tracer the monitor hands out
 * and `monitor.traceHeaders()` still work from the request context.
 */
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../sdk/test/support/log-capture.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

interface Served {
  readonly monitor: Monitor;
  readonly logs: LogCapture;
  readonly url: string;
  readonly close: () => Promise<void>;
}

async function serve(
  registerGlobal: boolean,
  handler: (monitor: Monitor) => Promise<unknown>,
): Promise<Served> {
  const logs = captureLogs();
  const monitor = init(
    {
      serviceName: 'otel-context-test',
      transport: { type: 'memory' },
      traces: { registerGlobal },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  const app: FastifyInstance = Fastify(fastifyOptions(monitor)) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  app.post('/predict', () => handler(monitor));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    monitor,
    logs,
    url,
    close: async () => {
      await app.close();
      await monitor.shutdown();
    },
  };
}

async function post(served: Served): Promise<Record<string, unknown>> {
  const response = await fetch(`${served.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
    body: '{}',
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function spansOf(monitor: Monitor) {
  await monitor.flush();
  const spans = (monitor.transport as MemoryTransport).items('spans');
  const server = spans.find((span) => span.kind === 'SERVER' && span.traceId === TRACE_ID);
  expect(server?.parentSpanId).toBe(PARENT_SPAN_ID);
  return { spans, server: server! };
}

describe('registered as the global context manager', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve(true, async (monitor) => {
      const requestSpanId = monitor.activeContext()?.spanId;
      const before = trace.getActiveSpan()?.spanContext();
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      // A tracer other than the SDK's (as an instrumentation would use), after an await.
      await new Promise((resolve) => setTimeout(resolve, 2));
      const outgoing = trace.getTracer('some-instrumentation').startSpan('GET /features');
      const afterAwait = trace.getActiveSpan()?.spanContext().spanId;
      const inChild = context.with(trace.setSpan(context.active(), outgoing), () => {
        monitor.logger.info('inside the outgoing span');
        return {
          active: trace.getActiveSpan()?.spanContext().spanId,
          headers: monitor.traceHeaders(),
        };
      });
      outgoing.end();
      monitor.logger.info('back in the request');
      return {
        requestSpanId,
        activeTraceId: before?.traceId,
        activeSpanId: before?.spanId,
        sampled: monitor.activeContext()?.sampled,
        traceparent: carrier.traceparent,
        traceHeaders: monitor.traceHeaders(),
        afterAwait,
        outgoingSpanId: outgoing.spanContext().spanId,
        inChild,
      };
    });
  });

  afterAll(async () => {
    await served.close();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('the active span is the request span, and propagation writes its traceparent', async () => {
    const body = await post(served);
    expect(body.activeTraceId).toBe(TRACE_ID);
    expect(body.activeSpanId).toBe(body.requestSpanId);
    expect(body.afterAwait).toBe(body.requestSpanId);
    expect(body.sampled).toBe(true);
    expect(body.traceparent).toBe(`00-${TRACE_ID}-${String(body.requestSpanId)}-01`);
    expect(body.traceHeaders).toEqual({ traceparent: body.traceparent });
    const { server } = await spansOf(served.monitor);
    expect(server.spanId).toBe(body.requestSpanId);
  });

  it("another tracer's span is a child of the request span, and context.with follows it", async () => {
    const body = await post(served);
    const inChild = body.inChild as { active: string; headers: Record<string, string> };
    expect(inChild.active).toBe(body.outgoingSpanId);
    expect(inChild.headers.traceparent).toBe(`00-${TRACE_ID}-${String(body.outgoingSpanId)}-01`);
    const { spans } = await spansOf(served.monitor);
    const outgoing = spans.find((span) => span.spanId === body.outgoingSpanId);
    expect(outgoing).toMatchObject({ traceId: TRACE_ID, parentSpanId: body.requestSpanId });
    const inside = served.logs.lines.findLast((line) => line.msg === 'inside the outgoing span');
    const back = served.logs.lines.findLast((line) => line.msg === 'back in the request');
    expect(inside).toMatchObject({ trace_id: TRACE_ID, span_id: body.outgoingSpanId });
    expect(back).toMatchObject({ trace_id: TRACE_ID, span_id: body.requestSpanId });
    expect(inside?.request_id).toBe(back?.request_id);
    expect(typeof inside?.request_id).toBe('string');
  });

  it('outside a request the active context is empty', () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(served.monitor.traceHeaders()).toEqual({});
    expect(served.monitor.activeContext()).toBeUndefined();
  });
});

describe('not registered globally', () => {
  let served: Served;

  beforeAll(async () => {
    served = await serve(false, async (monitor) => {
      const requestSpanId = monitor.activeContext()?.spanId;
      const plain = monitor.tracer.startSpan('plain child');
      plain.end();
      const active = await monitor.tracer.startActiveSpan('active child', async (span: Span) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        monitor.logger.info('in the active child');
        const seen = monitor.activeContext()?.spanId;
        span.end();
        return { seen, spanId: span.spanContext().spanId };
      });
      return { requestSpanId, plainSpanId: plain.spanContext().spanId, active };
    });
  });

  afterAll(() => served.close());

  it("the monitor's tracer starts children of the request span and makes them current", async () => {
    const body = await post(served);
    const active = body.active as { seen: string; spanId: string };
    expect(active.seen).toBe(active.spanId);
    const { spans, server } = await spansOf(served.monitor);
    expect(server.spanId).toBe(body.requestSpanId);
    for (const spanId of [body.plainSpanId, active.spanId]) {
      const span = spans.find((candidate) => candidate.spanId === spanId);
      expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: body.requestSpanId });
    }
    const line = served.logs.lines.find((entry) => entry.msg === 'in the active child');
    expect(line).toMatchObject({ trace_id: TRACE_ID, span_id: active.spanId });
  });
});
