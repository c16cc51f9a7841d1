/**
 * The Fastify plugin on an HTTP/2 server (`http2: true`), plain (h2c) and over TLS, driven by
 * node:http2's client: request ids, the span with its scheme, one completion line and one
 * duration sample per request, the context in the handler, and a stream the client resets
 * mid-response recorded once, as 499. A server that also takes HTTP/1.1 (`allowHTTP1`) records an
 * HTTP/1.1 client that leaves a stream mid-way as 499 too: its response is a plain one.
 */
import {
  connect,
  constants,
  type ClientHttp2Session,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

// A self-signed P-256 certificate for 127.0.0.1/localhost, valid until 2126.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgekGSVH1/2qz/BEEL
M5WEaFinwhNsC0Nn9cK1xMEa0BKhRANCAATvQski6mwKyZKOwPaqi4rvurmnBJKX
qHlq7QxMhPo/CEgTSlbrO6CaFp9AL+v0eKtsC2BrY1eWCg+h/08wtyAo
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUJ/jEWIJWhly23Co4uArTccoV7XYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzE1MzQyNFoYDzIxMjYxMTAz
MTUzNDI0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATvQski6mwKyZKOwPaqi4rvurmnBJKXqHlq7QxMhPo/CEgTSlbrO6Ca
Fp9AL+v0eKtsC2BrY1eWCg+h/08wtyAoo28wbTAdBgNVHQ4EFgQUEKI5c804AYQy
FikVjcpVaQWcXX4wHwYDVR0jBBgwFoAUEKI5c804AYQyFikVjcpVaQWcXX4wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgXgUHNS27p2nx0z0XR7wWxJR7yuIYnFS/H+9+ZU9/ZPMCICen
XKZqHyx6pNwnEcXFV8AG3E82ImvRvPo2ySi3ZYCc
-----END CERTIFICATE-----`;

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface Served {
  readonly monitor: Monitor;
  readonly logs: LogCapture;
  readonly session: ClientHttp2Session;
  close(): Promise<void>;
}

/** Builds an instrumented HTTP/2 app (h2c or TLS) and connects a node:http2 client to it. */

/** A first chunk at once, then one every 50 ms: a stream a client can leave in the middle. */
function slowStream(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      sent += 1;
      if (sent === 1) this.push('first chunk\n');
      else setTimeout(() => this.push(sent > 30 ? null : 'more\n'), 50);
    },
  });
}

async function serve(tls: boolean): Promise<Served> {
  const logs = captureLogs();
  const monitor = init(
    {
      serviceName: 'fastify-http2',
      transport: { type: 'memory' },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  // One type for both servers: the union of the two instances' overloads is not callable.
  const app = (tls
    ? Fastify({ ...fastifyOptions(monitor), http2: true, https: { key: TLS_KEY, cert: TLS_CERT } })
    : Fastify({ ...fastifyOptions(monitor), http2: true })) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor, metricsRoute: '/metrics' });
  app.post('/predict/:model', async (request) => {
    request.log.info('scoring');
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ids: monitor.activeContext(), body: request.body };
  });
  app.get('/stream', (_request, reply) => reply.type('text/plain').send(slowStream()));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const session = tls
    ? connect(address, { ca: TLS_CERT, servername: 'localhost' })
    : connect(address);
  session.on('error', () => undefined);
  return {
    monitor,
    logs,
    session,
    async close() {
      session.close();
      await app.close();
      await monitor.shutdown();
    },
  };
}

interface Answer {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let responseHeaders: IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ headers: responseHeaders, body: text }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

async function spansOf(monitor: Monitor, path: string) {
  await monitor.flush();
  return (monitor.transport as MemoryTransport)
    .items('spans')
    .filter((span) => span.kind === 'SERVER' && span.attributes?.['url.path'] === path);
}

describe.each([
  ['h2c', false],
  ['TLS', true],
])('Fastify with http2: true (%s)', (_name, tls) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(tls);
  });
  afterAll(async () => {
    await served.close();
  });

  it('keeps the request id, continues the trace and records one span, line and sample', async () => {
    const answer = await request(
      served.session,
      {
        ':method': 'POST',
        ':path': '/predict/risk?x=1',
        'content-type': 'application/json',
        'x-request-id': 'h2-request-1',
        traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
      },
      JSON.stringify({ age: 41 }),
    );
    expect(answer.headers[':status']).toBe(200);
    expect(answer.headers['x-request-id']).toBe('h2-request-1');
    const { ids, body } = JSON.parse(answer.body) as {
      ids: { requestId: string; traceId: string };
      body: unknown;
    };
    expect(ids).toMatchObject({ requestId: 'h2-request-1', traceId: TRACE_ID });
    expect(body).toEqual({ age: 41 });

    const spans = await spansOf(served.monitor, '/predict/risk');
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId: TRACE_ID,
      name: 'POST /predict/:model',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/predict/:model',
        'http.response.status_code': 200,
        'url.scheme': tls ? 'https' : 'http',
      },
    });
    const lines = served.logs.lines.filter((line) => line.request_id === 'h2-request-1');
    expect(lines.map((line) => line.msg)).toEqual(['scoring', 'request completed']);
    expect(lines.every((line) => line.trace_id === TRACE_ID)).toBe(true);
    expect(lines[1]).toMatchObject({
      req: { method: 'POST', url: '/predict/risk', route: '/predict/:model' },
      res: { statusCode: 200 },
    });
    await served.monitor.flush();
    const durations = (served.monitor.transport as MemoryTransport)
      .items('metrics')
      .filter(
        (point) =>
          point.name === 'http.server.request.duration' &&
          point.attributes?.['http.route'] === '/predict/:model',
      );
    expect(durations.at(-1)).toMatchObject({
      type: 'histogram',
      count: 1,
      attributes: { 'url.scheme': tls ? 'https' : 'http', 'http.response.status_code': 200 },
    });
  });

  it('serves /health, /readiness and the metrics route', async () => {
    const health = await request(served.session, { ':path': '/health' });
    expect(health.headers[':status']).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    const readiness = await request(served.session, { ':path': '/readiness' });
    expect(readiness.headers[':status']).toBe(200);
    const metrics = await request(served.session, { ':path': '/metrics' });
    expect(metrics.headers[':status']).toBe(200);
    expect(metrics.body).toContain('http_server_request_duration_bucket');
  });

  it('a stream reset mid-response is recorded once, as 499', async () => {
    const id = `h2-reset-${tls ? 'tls' : 'h2c'}`;
    await new Promise<void>((resolve) => {
      const stream = served.session.request({ ':path': '/stream', 'x-request-id': id });
      stream.on('data', () => {
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('error', () => undefined);
      stream.on('close', () => resolve());
    });
    const lines = await waitFor('the reset stream recorded', () => {
      const found = served.logs.lines.filter(
        (line) => line.request_id === id && line.msg === 'request completed',
      );
      return found.length > 0 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = served.logs.lines.filter(
      (line) => line.request_id === id && line.msg === 'request completed',
    );
    expect(again).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 } });
    const spans = (await spansOf(served.monitor, '/stream')).filter(
      (span) => span.attributes?.['http.response.status_code'] === 499,
    );
    expect(spans).toHaveLength(1);
  });
});

describe('Fastify with http2: true and https.allowHTTP1, an HTTP/1.1 client', () => {
  it('that leaves a stream mid-way: recorded once, as 499, nothing thrown', async () => {
    const logs = captureLogs();
    const monitor = init(
      {
        serviceName: 'fastify-allow-http1',
        transport: { type: 'memory' },
        logs: { destination: logs.destination },
        diagnostics: { destination: captureLogs().destination },
        metrics: { serve: false, runtime: false, gpu: { enabled: false } },
      },
      {},
    );
    const app = Fastify({
      ...fastifyOptions(monitor),
      http2: true,
      https: { allowHTTP1: true, key: TLS_KEY, cert: TLS_CERT },
    }) as unknown as FastifyInstance;
    await app.register(driftwatch, { monitor });
    app.get('/stream', (_request, reply) => reply.type('text/plain').send(slowStream()));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const id = 'http1-on-h2-left';
    const httpVersion = await new Promise<string>((resolve) => {
      const outgoing = httpsRequest(
        `${address}/stream`,
        { ca: TLS_CERT, servername: 'localhost', headers: { 'x-request-id': id } },
        (response) => {
          response.once('data', () => {
            outgoing.destroy();
            resolve(response.httpVersion);
          });
        },
      );
      outgoing.on('error', () => undefined);
      outgoing.end();
    });
    expect(httpVersion).toBe('1.1');
    const completed = () =>
      logs.lines.filter((line) => line.request_id === id && line.msg === 'request completed');
    const lines = await waitFor(
      'the request recorded',
      () => (completed().length > 0 ? completed() : undefined),
      5000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(completed()).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 } });
    await app.close();
    await monitor.shutdown();
  });
});
