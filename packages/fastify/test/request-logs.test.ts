/**
 * Fastify plugin against the built SDK: request_id/trace_id/span_id on every line of a request
 * (handler, request.log, monitor.logger, timers, promises, after body parsing), request-id
 * handling, W3C trace continuation, redaction, service fields and exported OTel log records.
 */
import { connect } from 'node:net';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../sdk/test/support/log-capture.js';
import { twoSlowPostsOnOneConnection } from '../../sdk/test/support/slow-post.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';

/** What one request to /predict/:model logs, from the handler to after the response. */
const REQUEST_MESSAGES = [
  'handler via request.log',
  'handler via monitor.logger',
  'from setTimeout',
  'from setTimeout via monitor.logger',
  'from a promise',
  'inside a child span',
  'after the response, from setImmediate',
  'request completed',
];
const PREDICT_BODY = JSON.stringify({ features: { age: 41 } });

let monitor: Monitor;
let app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Monitor['logger']>;
let logs: LogCapture;
let baseUrl: string;
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(async () => {
  process.on('warning', onWarning);
  logs = captureLogs();
  monitor = init(
    {
      serviceName: 'fastify-test',
      serviceVersion: '2.0.1',
      environment: 'ci',
      transport: { type: 'memory' },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  app = Fastify(fastifyOptions(monitor));
  await app.register(driftwatch, { monitor });
  app.post<{ Body: { features: Record<string, number> } }>('/predict/:model', async (request) => {
    request.log.info('handler via request.log');
    monitor.logger.info('handler via monitor.logger');
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        request.log.info('from setTimeout');
        monitor.logger.info('from setTimeout via monitor.logger');
        resolve();
      }, 5),
    );
    await Promise.resolve().then(() => monitor.logger.info('from a promise'));
    const score = monitor.span('score', () => {
      monitor.logger.info('inside a child span');
      return 0.7;
    });
    const predictionId = monitor.logPrediction({
      model: 'risk',
      modelVersion: '1',
      features: request.body.features,
      prediction: 1,
      score,
    });
    setImmediate(() =>
      monitor.logger.info({ predictionId }, 'after the response, from setImmediate'),
    );
    return { score, predictionId, context: monitor.activeContext() };
  });
  app.get('/secret', async (request) => {
    request.log.info(
      {
        authorization: 'Bearer top-secret-1',
        password: 'top-secret-2',
        user: { name: 'ada', token: 'top-secret-3', password: 'top-secret-4' },
        upstream: {
          headers: {
            authorization: 'Bearer top-secret-5',
            cookie: 'sid=top-secret-6',
            accept: 'text/plain',
          },
        },
      },
      'secrets',
    );
    return { ok: true };
  });
  app.get('/levels', { logLevel: 'warn' }, async (request) => {
    request.log.info('below the route level');
    request.log.warn('route warning');
    request.log.child({ part: 'child' }).warn('from a child of request.log');
    return { level: request.log.level };
  });
  app.get('/verbose', { logLevel: 'debug' }, async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('kaput');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  process.off('warning', onWarning);
  await app?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

beforeEach(() => {
  logs.lines.length = 0;
  logs.raw.length = 0;
});

/** Waits for the lines logged after the response (setImmediate, completion line). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Everything exported so far (log records, spans, predictions) as JSON, and the log records of
 * one request: an invalid request id must not reach the transport either.
 */
async function exported(requestId: string): Promise<{ text: string; bodies: unknown[] }> {
  await monitor.flush();
  const transport = monitor.transport as MemoryTransport;
  const items = [
    ...transport.items('logs'),
    ...transport.items('spans'),
    ...transport.items('predictions'),
  ];
  const bodies = transport
    .items('logs')
    .filter((record) => record.attributes?.request_id === requestId)
    .map((record) => record.body);
  return { text: JSON.stringify(items), bodies };
}

async function predict(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/predict/risk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: PREDICT_BODY,
  });
}

describe('request logs (Fastify)', () => {
  it('puts request_id, trace_id and span_id on every line of the request', async () => {
    const response = await predict();
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { context: { requestId: string; traceId: string } };
    expect(body.context.requestId).toBe(requestId);
    await settle();

    const messages = logs.lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    const traceId = body.context.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const line of logs.lines) {
      expect(line, String(line.msg)).toMatchObject({
        request_id: requestId,
        trace_id: traceId,
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(line).toMatchObject({
        'service.name': 'fastify-test',
        'service.version': '2.0.1',
        environment: 'ci',
      });
    }
    // request.log is Fastify's per-request child (made on first use): it carries reqId.
    expect(logs.lines.find((line) => line.msg === 'from setTimeout')).toMatchObject({
      reqId: requestId,
    });
    const child = logs.lines.find((line) => line.msg === 'inside a child span');
    const handler = logs.lines.find((line) => line.msg === 'handler via monitor.logger');
    expect(child?.span_id).not.toBe(handler?.span_id);
    // Fastify's own request lines are off: one completion line from the plugin.
    expect(
      messages.filter((msg) => msg === 'request completed' || msg === 'incoming request'),
    ).toEqual(['request completed']);
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
    const byRequest = (id: string): unknown[] =>
      logs.lines.filter((line) => line.request_id === id).map((line) => line.msg);
    expect(byRequest('slow-body-1')).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    expect(byRequest('slow-body-2')).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    expect(logs.lines.every((line) => typeof line.request_id === 'string')).toBe(true);
    expect(logs.lines).toHaveLength(2 * REQUEST_MESSAGES.length);
  });

  it('keeps a valid incoming x-request-id and echoes it', async () => {
    const response = await predict({ 'x-request-id': 'client-req-42' });
    expect(response.headers.get('x-request-id')).toBe('client-req-42');
    await settle();
    expect(logs.lines.length).toBeGreaterThan(5);
    for (const line of logs.lines) expect(line.request_id).toBe('client-req-42');
  });

  it('replaces a request id that is too long, never logging it', async () => {
    const tooLong = 'x'.repeat(129);
    const response = await predict({ 'x-request-id': tooLong });
    const replaced = response.headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    // The request must have logged: a loop over no lines asserts nothing.
    expect(logs.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    for (const line of logs.lines) expect(line.request_id).toBe(replaced);
    expect(logs.raw.join('')).not.toContain(tooLong);
    const { text, bodies } = await exported(replaced as string);
    expect(bodies).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    expect(text).not.toContain(tooLong);
    const prediction = (monitor.transport as MemoryTransport)
      .items('predictions')
      .find((item) => item.requestId === replaced);
    expect(prediction).toBeDefined();
  });

  it('replaces a request id with control characters, never logging it', async () => {
    const hostile = 'id\u001b[31mFAKE ERROR\u001b[0m';
    const response = await app.inject({
      method: 'GET',
      url: '/secret',
      headers: { 'x-request-id': hostile },
    });
    const replaced = response.headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    expect(logs.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['secrets', 'request completed']),
    );
    for (const line of logs.lines) expect(line.request_id).toBe(replaced);
    expect(logs.raw.join('')).not.toContain('FAKE ERROR');
    const { text, bodies } = await exported(replaced as string);
    expect(bodies).toEqual(expect.arrayContaining(['secrets', 'request completed']));
    expect(text).not.toContain('FAKE ERROR');
  });

  it('replaces a request id holding a tab or non-ASCII bytes sent on the wire', async () => {
    const port = Number(new URL(baseUrl).port);
    for (const raw of [
      Buffer.from('id\twith-tab', 'latin1'),
      Buffer.from('caf\u00e9-id', 'latin1'),
    ]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            Buffer.concat([
              Buffer.from('GET /secret HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-request-id: '),
              raw,
              Buffer.from('\r\n\r\n'),
            ]),
          );
        });
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      const echoed = /x-request-id: ([^\r]+)/.exec(answer)?.[1];
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    await settle();
    const text = logs.raw.join('');
    expect(text).not.toContain('with-tab');
    // Not a bare 'caf': the random hex ids on every line hold it now and then (a flaky check).
    expect(text).not.toMatch(/caf[^0-9a-f"-]/);
    expect(logs.lines.filter((line) => line.msg === 'secrets')).toHaveLength(2);
    const sent = (await exported('')).text;
    expect(sent).not.toContain('with-tab');
    expect(sent).not.toMatch(/caf[^0-9a-f"-]/);
  });

  it('continues an incoming W3C traceparent', async () => {
    const response = await predict({ traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01` });
    expect(response.status).toBe(200);
    await settle();
    expect(logs.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(REQUEST_MESSAGES));
    for (const line of logs.lines) expect(line.trace_id).toBe(TRACE_ID);
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    const server = transport
      .items('spans')
      .find((span) => span.traceId === TRACE_ID && span.kind === 'SERVER');
    expect(server).toMatchObject({
      name: 'POST /predict/:model',
      parentSpanId: PARENT_SPAN_ID,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/predict/:model',
        'http.response.status_code': 200,
      },
    });
    const child = transport
      .items('spans')
      .find((span) => span.traceId === TRACE_ID && span.name === 'score');
    expect(child?.parentSpanId).toBe(server?.spanId);
    const prediction = transport.items('predictions').find((item) => item.traceId === TRACE_ID);
    expect(prediction).toMatchObject({
      requestId: response.headers.get('x-request-id'),
      spanId: server?.spanId,
    });
  });

  it('redacts authorization, cookie, password and token', async () => {
    const response = await fetch(`${baseUrl}/secret`, {
      headers: { authorization: 'Bearer top-secret-0', cookie: 'sid=top-secret-7' },
    });
    expect(response.status).toBe(200);
    await settle();
    const line = logs.lines.find((l) => l.msg === 'secrets');
    expect(line).toMatchObject({
      authorization: '[Redacted]',
      password: '[Redacted]',
      user: { name: 'ada', token: '[Redacted]', password: '[Redacted]' },
      upstream: {
        headers: { authorization: '[Redacted]', cookie: '[Redacted]', accept: 'text/plain' },
      },
    });
    expect(logs.raw.join('')).not.toMatch(/top-secret/);
    await monitor.flush();
    const exported = JSON.stringify((monitor.transport as MemoryTransport).items('logs'));
    expect(exported).toContain('secrets');
    expect(exported).not.toMatch(/top-secret/);
  });

  it('exports the log lines through the transport in the OTel log shape', async () => {
    const response = await predict({ 'x-request-id': 'otel-shape-1' });
    const { context } = (await response.json()) as { context: { traceId: string; spanId: string } };
    await settle();
    await monitor.flush();
    const records = (monitor.transport as MemoryTransport)
      .items('logs')
      .filter((record) => record.attributes?.request_id === 'otel-shape-1');
    expect(records.map((record) => record.body)).toEqual(
      expect.arrayContaining(['handler via request.log', 'from a promise', 'request completed']),
    );
    const record = records.find((r) => r.body === 'handler via monitor.logger');
    expect(record).toEqual({
      timeUnixNano: expect.stringMatching(/^\d{19}$/),
      severityNumber: 9,
      severityText: 'INFO',
      body: 'handler via monitor.logger',
      traceId: context.traceId,
      spanId: context.spanId,
      attributes: { request_id: 'otel-shape-1', environment: 'ci' },
    });
    const batch = (monitor.transport as MemoryTransport).batches.at(-1);
    expect(batch?.resource).toMatchObject({
      'service.name': 'fastify-test',
      'service.version': '2.0.1',
      'deployment.environment.name': 'ci',
    });
  });

  it('marks a failed request on its span and completion line', async () => {
    const response = await fetch(`${baseUrl}/boom`);
    expect(response.status).toBe(500);
    await settle();
    const completed = logs.lines.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({
      res: { statusCode: 500 },
      request_id: response.headers.get('x-request-id'),
    });
    await monitor.flush();
    const span = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((s) => s.name === 'GET /boom');
    expect(span?.status?.code).toBe('ERROR');
    expect(span?.events?.[0]?.name).toBe('exception');
  });

  it('honours a route log level in request.log, and its children', async () => {
    const response = await fetch(`${baseUrl}/levels`);
    expect(await response.json()).toEqual({ level: 'warn' });
    const requestId = response.headers.get('x-request-id');
    await settle();
    const messages = logs.lines.map((line) => line.msg);
    expect(messages).not.toContain('below the route level');
    expect(logs.lines.find((line) => line.msg === 'route warning')).toMatchObject({
      reqId: requestId,
      request_id: requestId,
    });
    expect(logs.lines.find((line) => line.msg === 'from a child of request.log')).toMatchObject({
      reqId: requestId,
      request_id: requestId,
      part: 'child',
    });
    // Above info, as Fastify's own request lines: no completion line, the span all the same.
    expect(messages).not.toContain('request completed');
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport)
      .items('spans')
      .filter((span) => span.name === 'GET /levels');
    expect(spans).toHaveLength(1);
    // At or below info: the line is written.
    await fetch(`${baseUrl}/verbose`);
    await settle();
    expect(logs.lines.find((line) => line.msg === 'request completed')).toMatchObject({
      req: { route: '/verbose' },
    });
  });

  it('prints no deprecation warning', () => {
    expect(
      warnings.filter(
        (warning) =>
          /Deprecation/.test(warning.name) ||
          String((warning as { code?: string }).code).startsWith('FSTDEP'),
      ),
    ).toEqual([]);
  });
});
