/**
 * Express middleware against the built SDK: ids on every line of a request (handler, timers,
 * promises, after body parsing), request-id handling, W3C trace continuation, redaction.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init, type ActiveContext, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../sdk/test/support/log-capture.js';
import { twoSlowPostsOnOneConnection } from '../../sdk/test/support/slow-post.js';
import { driftwatch, type DriftwatchRequestContext } from '../src/index.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN_ID = 'b7ad6b7169203331';

/** What one request to /predict/:model logs, in order. */
const REQUEST_MESSAGES = [
  'after awaiting body parsing',
  'from setTimeout',
  'from a promise',
  'request completed',
  'after the response, from setImmediate',
];
const PREDICT_BODY = JSON.stringify({ features: { age: 41 } });

let monitor: Monitor;
let server: Server;
let logs: LogCapture;
let baseUrl: string;

beforeAll(async () => {
  logs = captureLogs();
  monitor = init(
    {
      serviceName: 'express-test',
      serviceVersion: '0.9.0',
      environment: 'ci',
      transport: { type: 'memory' },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  const app = express();
  app.use(driftwatch(monitor));
  // Body parsing reads the socket after the middleware ran: its callback must still be in context.
  app.use(express.json());
  app.post('/predict/:model', async (request, response) => {
    monitor.logger.info('after awaiting body parsing');
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        monitor.logger.info('from setTimeout');
        resolve();
      }, 5),
    );
    await Promise.resolve().then(() => monitor.logger.info('from a promise'));
    const features = (request.body as { features: Record<string, number> }).features;
    const predictionId = monitor.logPrediction({
      model: 'risk',
      modelVersion: '1',
      features,
      prediction: 1,
    });
    setImmediate(() => monitor.logger.info('after the response, from setImmediate'));
    response.json({
      sameMonitor: response.locals.driftwatch.monitor === monitor,
      predictionId,
      context: response.locals.driftwatch,
      active: monitor.activeContext(),
    });
  });
  app.get('/secret', (_request, response) => {
    monitor.logger.info(
      {
        password: 'top-secret-1',
        headers: { authorization: 'Bearer top-secret-2', cookie: 'top-secret-3' },
        token: 'top-secret-4',
      },
      'secrets',
    );
    response.json({ ok: true });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  await monitor?.shutdown({ timeoutMs: 1000 });
});

beforeEach(() => {
  logs.lines.length = 0;
  logs.raw.length = 0;
});

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

function predict(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/predict/risk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: PREDICT_BODY,
  });
}

describe('request logs (Express)', () => {
  it('puts request_id, trace_id and span_id on every line of the request', async () => {
    const response = await predict();
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    const body = (await response.json()) as {
      sameMonitor: boolean;
      context: DriftwatchRequestContext;
      active: ActiveContext;
    };
    // Handlers reach the monitor through res.locals; serialized, the context is the ids alone.
    expect(body.sameMonitor).toBe(true);
    expect(Object.keys(body.context).sort()).toEqual(['requestId', 'spanId', 'traceId']);
    expect(body.context.requestId).toBe(requestId);
    expect(body.active).toEqual({ ...body.context, sampled: true });
    await settle();
    expect(logs.lines.map((line) => line.msg)).toEqual(REQUEST_MESSAGES);
    for (const line of logs.lines) {
      expect(line, String(line.msg)).toMatchObject({
        request_id: requestId,
        trace_id: body.context.traceId,
        span_id: body.context.spanId,
        'service.name': 'express-test',
        'service.version': '0.9.0',
        environment: 'ci',
      });
    }
    expect(logs.lines.find((line) => line.msg === 'request completed')).toMatchObject({
      req: { method: 'POST', url: '/predict/risk', route: '/predict/:model' },
      res: { statusCode: 200 },
    });
  });

  it('keeps the context when the body arrives in later reads, request after request on one connection', async () => {
    const statuses = await twoSlowPostsOnOneConnection(`${baseUrl}/predict/risk`, PREDICT_BODY, [
      'slow-body-1',
      'slow-body-2',
    ]);
    expect(statuses).toEqual([200, 200]);
    await settle();
    for (const id of ['slow-body-1', 'slow-body-2']) {
      const lines = logs.lines.filter((line) => line.request_id === id);
      expect(lines.map((line) => line.msg)).toEqual(REQUEST_MESSAGES);
      expect(new Set(lines.map((line) => line.trace_id)).size).toBe(1);
    }
    expect(logs.lines).toHaveLength(2 * REQUEST_MESSAGES.length);
  });

  it('keeps a valid x-request-id, replaces an invalid one and never logs it', async () => {
    const kept = await predict({ 'x-request-id': 'upstream-id-7' });
    expect(kept.headers.get('x-request-id')).toBe('upstream-id-7');
    await settle();
    // The request must have logged: a loop over no lines asserts nothing.
    expect(logs.lines.map((line) => line.msg)).toEqual(REQUEST_MESSAGES);
    for (const line of logs.lines) expect(line.request_id).toBe('upstream-id-7');

    for (const invalid of ['y'.repeat(129), 'tab\there']) {
      logs.lines.length = 0;
      logs.raw.length = 0;
      const replaced = await predict({ 'x-request-id': invalid });
      const id = replaced.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      await settle();
      expect(logs.lines.map((line) => line.msg)).toEqual(REQUEST_MESSAGES);
      for (const line of logs.lines) expect(line.request_id).toBe(id);
      expect(logs.raw.join('')).not.toContain(invalid.slice(0, 10));
      // Nor is it exported: the log records, spans and predictions carry the replacement.
      await monitor.flush();
      const transport = monitor.transport as MemoryTransport;
      const records = transport.items('logs').filter((r) => r.attributes?.request_id === id);
      expect(records.map((record) => record.body)).toEqual(REQUEST_MESSAGES);
      expect(transport.items('predictions').some((item) => item.requestId === id)).toBe(true);
      const exported = JSON.stringify([
        ...transport.items('logs'),
        ...transport.items('spans'),
        ...transport.items('predictions'),
      ]);
      expect(exported).not.toContain(invalid.slice(0, 10));
    }
  });

  it('continues an incoming W3C traceparent', async () => {
    const response = await predict({ traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` });
    const body = (await response.json()) as { context: DriftwatchRequestContext };
    expect(body.context.traceId).toBe(TRACE_ID);
    await settle();
    expect(logs.lines.map((line) => line.msg)).toEqual(REQUEST_MESSAGES);
    for (const line of logs.lines) expect(line.trace_id).toBe(TRACE_ID);
    await monitor.flush();
    const span = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((s) => s.traceId === TRACE_ID);
    expect(span).toMatchObject({
      kind: 'SERVER',
      name: 'POST /predict/:model',
      parentSpanId: PARENT_SPAN_ID,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/predict/:model',
        'http.response.status_code': 200,
      },
    });
  });

  it('redacts secrets, in the JSON lines and the exported records', async () => {
    await fetch(`${baseUrl}/secret`);
    await settle();
    expect(logs.lines.find((line) => line.msg === 'secrets')).toMatchObject({
      password: '[Redacted]',
      token: '[Redacted]',
      headers: { authorization: '[Redacted]', cookie: '[Redacted]' },
    });
    expect(logs.raw.join('')).not.toMatch(/top-secret/);
    await monitor.flush();
    const records = (monitor.transport as MemoryTransport).items('logs');
    expect(records.some((record) => record.body === 'secrets')).toBe(true);
    expect(JSON.stringify(records)).not.toMatch(/top-secret/);
  });
});
