/**
 * A request that arrives while Fastify closes (on a keep-alive connection that was already open)
 * is refused with Fastify's 503 and `connection: close`, and recorded like any other: a span, a
 * completion line and its `x-request-id`. Fastify's own 503 comes before any hook; with
 * `fastifyOptions` the plugin answers it instead, for every route of the server: those in its
 * context, and, when it is registered in a child context, those outside it and the 404s too.
 * Without `fastifyOptions`, Fastify's own 503 is recorded after the fact (no route, no echo).
 */
import { connect } from 'node:net';
import { init } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { completionLines, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, fastifyOptions } from '../src/index.js';
import { instrumentedApp } from './support/instrumented-app.js';

const { monitor, logs } = capturedMonitor(init, 'fastify-closing');
afterAll(() => monitor.shutdown());

const SERVICE_UNAVAILABLE =
  '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}';

/** A keep-alive connection with a slow request in flight; `then` sends another on it. */
function busyConnection(port: number, requestId: string) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  const ended = new Promise<string[]>((resolve) =>
    socket.once('close', () => resolve(received.split(/(?=HTTP\/1\.1 )/))),
  );
  socket.write(`GET /slow HTTP/1.1\r\nhost: x\r\nx-request-id: ${requestId}-slow\r\n\r\n`);
  return {
    ended,
    then: (path: string) =>
      socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nx-request-id: ${requestId}\r\n\r\n`),
  };
}

/** Sends each path on its own busy connection once `app.close()` has begun; their answers. */
async function requestsWhileClosing(app: FastifyInstance, paths: Record<string, string>) {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  const connections = Object.entries(paths).map(([id, path]) => ({
    path,
    connection: busyConnection(port, id),
  }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const { path, connection } of connections) connection.then(path);
  const answers = await Promise.all(connections.map(({ connection }) => connection.ended));
  await closed;
  return answers;
}

function slowRoute(scope: FastifyInstance): void {
  scope.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { slow: true };
  });
}

it('a request arriving while the server closes: 503, recorded with its id', async () => {
  const app = await instrumentedApp(monitor);
  slowRoute(app);
  app.get('/fast', async () => ({ fast: true }));
  const [answers] = await requestsWhileClosing(app, { second: '/fast' });

  expect(answers).toHaveLength(2);
  expect(answers![0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(answers![1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(answers![1]).toMatch(/\r\nx-request-id: second\r\n/i);
  expect(answers![1]).toMatch(/\r\nconnection: close\r\n/i);
  expect(answers![1]).toContain(SERVICE_UNAVAILABLE);
  const spans = await serverSpans(monitor);
  expect(spans.map((span) => [span.name, span.attributes?.['http.response.status_code']])).toEqual(
    expect.arrayContaining([
      ['GET /slow', 200],
      ['GET /fast', 503],
    ]),
  );
  expect(completionLines(logs, 'second-slow')).toMatchObject([{ res: { statusCode: 200 } }]);
  expect(completionLines(logs, 'second')).toMatchObject([{ res: { statusCode: 503 } }]);
});

it('registered in a child context: routes outside it and 404s are refused and recorded too', async () => {
  const app = Fastify(fastifyOptions(monitor)) as unknown as FastifyInstance;
  await app.register(async (child) => {
    await child.register(driftwatch, { monitor });
    child.get('/inside', async () => ({ inside: true }));
  });
  slowRoute(app);
  app.get('/outside', async () => ({ outside: true }));
  const answers = await requestsWhileClosing(app, {
    'child-inside': '/inside',
    'child-outside': '/outside',
    'child-missing': '/missing',
  });

  for (const [index, id] of ['child-inside', 'child-outside', 'child-missing'].entries()) {
    const answer = answers[index]![1];
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(new RegExp(`\\r\\nx-request-id: ${id}\\r\\n`, 'i'));
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain(SERVICE_UNAVAILABLE);
    expect(completionLines(logs, id)).toMatchObject([{ res: { statusCode: 503 } }]);
  }
  const spans = await serverSpans(monitor);
  expect(spans.map((span) => [span.name, span.attributes?.['http.response.status_code']])).toEqual(
    expect.arrayContaining([
      ['GET /inside', 503],
      ['GET /outside', 503],
      ['GET', 503],
    ]),
  );
  // The slow requests outside the plugin's context were never instrumented.
  expect(completionLines(logs, 'child-outside-slow')).toEqual([]);
});

it("without fastifyOptions: Fastify's own 503 is recorded once, with the request's id", async () => {
  const app = Fastify() as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  slowRoute(app);
  app.get('/fast', async () => ({ fast: true }));
  const answers = await requestsWhileClosing(app, { 'plain-fast': '/fast', 'plain-missing': '/x' });

  for (const [index, id] of ['plain-fast', 'plain-missing'].entries()) {
    const [first, refused] = answers[index]!;
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(completionLines(logs, `${id}-slow`)).toMatchObject([{ res: { statusCode: 200 } }]);
    // Fastify answered it before any hook: its answer, without the id.
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused).toContain(SERVICE_UNAVAILABLE);
    expect(refused).not.toMatch(/x-request-id/i);
    const [line] = completionLines(logs, id);
    expect(completionLines(logs, id)).toHaveLength(1);
    expect(line).toMatchObject({ res: { statusCode: 503 }, req: { method: 'GET' } });
    const spans = (await serverSpans(monitor)).filter((span) => span.traceId === line?.trace_id);
    // Without a route: Fastify keeps its match to itself.
    expect(
      spans.map((span) => [span.name, span.attributes?.['http.response.status_code']]),
    ).toEqual([['GET', 503]]);
  }
});

it('without fastifyOptions, Fastify letting requests through: a 503 of a route is recorded once', async () => {
  const app = Fastify({ return503OnClosing: false }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  slowRoute(app);
  // Answered at once, in the same turn as Fastify's handler.
  app.get('/unavailable', (_request, reply) => {
    void reply.code(503).send('down for maintenance');
  });
  const [answers] = await requestsWhileClosing(app, { 'through-503': '/unavailable' });

  expect(answers![1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(answers![1]).toMatch(/\r\nx-request-id: through-503\r\n/i);
  expect(completionLines(logs, 'through-503')).toMatchObject([
    { res: { statusCode: 503 }, req: { route: '/unavailable' } },
  ]);
});
