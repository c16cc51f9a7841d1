/**
 * Requests at the edges of HTTP/1.1 on an instrumented Fastify server: pipelined requests on one
 * connection (each its own id, context and line), HEAD (Fastify's automatic HEAD route) and 304,
 * a URL near Node's header limit (the span's `url.path` clipped to 8192 characters), duplicate
 * `x-request-id` and `traceparent` headers (Node joins them: a joined traceparent is invalid, so
 * a new trace starts), and URLs the router answers before any hook (one that does not decode, a
 * parameter over maxParamLength): recorded, with Fastify's own answer.
 */
import { connect } from 'node:net';
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import {
  completionLines,
  rawExchange,
  serverSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, fastifyOptions } from '../src/index.js';
import { instrumentedApp } from './support/instrumented-app.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let monitor: Monitor;
let app: FastifyInstance;
let logs: LogCapture;
let port: number;
let heldStarted = 0;
let heldAnswered = 0;
let openHeldGate!: () => void;
const heldGate = new Promise<void>((resolve) => (openHeldGate = resolve));

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-edges'));
  app = await instrumentedApp(monitor);
  const echo = async (request: FastifyRequest) => {
    const { n } = request.params as { n: string };
    // Later requests answer first: a context that crossed requests would show.
    await new Promise((resolve) => setTimeout(resolve, 60 - Number(n) * 20));
    request.log.info({ n }, 'handled');
    return { n, requestId: monitor.activeContext()?.requestId };
  };
  app.get('/echo/:n', echo);
  app.post('/echo/:n', echo);
  app.get('/cached', async (request, reply) => {
    if (request.headers['if-none-match'] === '"v1"') return reply.code(304).send();
    return reply.header('etag', '"v1"').send({ fresh: true });
  });
  app.get('/any/*', async () => ({ ok: true }));
  app.get('/users/:id', async () => ({ ok: true }));
  // Held until the test lets them answer: for requests whose connection goes first.
  const held = async () => {
    heldStarted += 1;
    await heldGate;
    heldAnswered += 1;
    return { late: true };
  };
  app.get('/held/:n', held);
  app.post('/held/:n', held);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(address).port);
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

/** Writes `raw` on one connection and resolves with everything read until the server closes. */
describe('HTTP/1.1 edge cases (Fastify)', () => {
  it('pipelined requests: each keeps its own id, context, line and order', async () => {
    const requests = [0, 1, 2].map(
      (n) =>
        `GET /echo/${n} HTTP/1.1\r\nHost: x\r\nx-request-id: pipe-${n}\r\n` +
        (n === 2 ? 'Connection: close\r\n' : '') +
        '\r\n',
    );
    const received = await rawExchange(port, requests.join(''));
    const bodies = [...received.matchAll(/\{"n":"(\d)","requestId":"([^"]+)"\}/g)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(bodies).toEqual([
      ['0', 'pipe-0'],
      ['1', 'pipe-1'],
      ['2', 'pipe-2'],
    ]);
    for (const n of [0, 1, 2]) {
      const lines = logs.lines.filter((line) => line.request_id === `pipe-${n}`);
      expect(lines.map((line) => line.msg)).toEqual(['handled', 'request completed']);
      expect(lines[0]).toMatchObject({ n: String(n), reqId: `pipe-${n}` });
      expect(lines[1]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/echo/:n' } });
    }
  });

  it('pipelined POSTs (each body read while its response waits): each answered and recorded', async () => {
    // Such a request closes once its body is read, long before its response gets the socket.
    const requests = [0, 1, 2].map(
      (n) =>
        `POST /echo/${n} HTTP/1.1\r\nHost: x\r\nx-request-id: pipe-post-${n}\r\n` +
        'content-type: application/json\r\ncontent-length: 2\r\n' +
        (n === 2 ? 'Connection: close\r\n' : '') +
        '\r\n{}',
    );
    const received = await rawExchange(port, requests.join(''));
    expect(received.match(/HTTP\/1\.1 200 /g)).toHaveLength(3);
    for (const n of [0, 1, 2]) {
      const lines = completionLines(logs, `pipe-post-${n}`);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/echo/:n' } });
    }
  });

  it('pipelined requests queued behind a connection the client drops: each recorded once, as 499', async () => {
    // Node answers pipelined requests in order: the second and third responses wait for the
    // first, with no socket. When the connection goes, Node destroys those requests, and their
    // responses get neither 'finish' nor 'close'. The POSTs' bodies are read (the request then
    // closes at once, while its response still waits).
    const ids = ['get-0', 'get-1', 'get-2', 'post-0', 'post-1', 'post-2'].map((n) => `queued-${n}`);
    const pipelined = (method: string) =>
      [0, 1, 2]
        .map((n) =>
          method === 'GET'
            ? `GET /held/${n} HTTP/1.1\r\nHost: x\r\nx-request-id: queued-get-${n}\r\n\r\n`
            : `POST /held/${n} HTTP/1.1\r\nHost: x\r\nx-request-id: queued-post-${n}\r\n` +
              'content-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
        )
        .join('');
    for (const method of ['GET', 'POST']) {
      const startedBefore = heldStarted;
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(pipelined(method));
      await waitFor('the handlers started', () =>
        heldStarted === startedBefore + 3 ? true : undefined,
      );
      socket.destroy();
    }
    let lines: Array<Record<string, unknown>>;
    try {
      lines = await waitFor(
        'every request recorded',
        () => {
          const found = ids.flatMap((id) => completionLines(logs, id));
          return found.length === ids.length ? found : undefined;
        },
        5000,
      );
    } finally {
      // The handlers answer now, after the requests ended: nothing may end one a second time.
      openHeldGate();
    }
    expect(lines.map((line) => (line.res as { statusCode: number }).statusCode)).toEqual(
      ids.map(() => 499),
    );
    await waitFor('the handlers answered', () => (heldAnswered === 6 ? true : undefined));
    await new Promise((resolve) => setImmediate(resolve));
    for (const id of ids) expect(completionLines(logs, id)).toHaveLength(1);
    const traces = new Set(lines.map((line) => line.trace_id));
    const spans = (await serverSpans(monitor)).filter((span) => traces.has(span.traceId));
    expect(spans).toHaveLength(ids.length);
    expect(spans.every((span) => span.attributes?.['http.response.status_code'] === 499)).toBe(
      true,
    );
  });

  it('HEAD (automatic route) and 304: their own status, route and span', async () => {
    const head = await fetch(`http://127.0.0.1:${port}/cached`, {
      method: 'HEAD',
      headers: { 'x-request-id': 'edge-head' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-request-id')).toBe('edge-head');
    const notModified = await fetch(`http://127.0.0.1:${port}/cached`, {
      headers: { 'x-request-id': 'edge-304', 'if-none-match': '"v1"' },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('x-request-id')).toBe('edge-304');
    const lines = await waitFor('both recorded', () => {
      const found = [...completionLines(logs, 'edge-head'), ...completionLines(logs, 'edge-304')];
      return found.length === 2 ? found : undefined;
    });
    expect(lines[0]).toMatchObject({
      req: { method: 'HEAD', route: '/cached' },
      res: { statusCode: 200 },
    });
    expect(lines[1]).toMatchObject({
      req: { method: 'GET', route: '/cached' },
      res: { statusCode: 304 },
    });
    const spans = (await serverSpans(monitor)).filter((span) =>
      [lines[0]!.span_id, lines[1]!.span_id].includes(span.spanId),
    );
    expect(spans.map((span) => span.name).sort()).toEqual(['GET /cached', 'HEAD /cached']);
    expect(spans.every((span) => span.status?.code !== 'ERROR')).toBe(true);
  });

  it('a URL near the header limit: answered, url.path clipped to 8192 characters', async () => {
    const path = `/any/${'a'.repeat(15_000)}`;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { 'x-request-id': 'edge-long' },
    });
    expect(response.status).toBe(200);
    const [line] = await waitFor('recorded', () => {
      const found = completionLines(logs, 'edge-long');
      return found.length > 0 ? found : undefined;
    });
    const span = (await serverSpans(monitor)).find(
      (candidate) => candidate.spanId === line!.span_id,
    );
    expect((span?.attributes?.['url.path'] as string).length).toBe(8192);
    expect(span?.attributes?.['http.route']).toBe('/any/*');
    // A URL past Node's limit (16 KiB of headers) is refused by Node before any hook: 431.
    const refused = await rawExchange(
      port,
      `GET /any/${'b'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(refused).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('duplicate x-request-id and traceparent headers: a safe id and a new trace', async () => {
    const received = await rawExchange(
      port,
      'GET /cached HTTP/1.1\r\nHost: x\r\nx-request-id: dup-1\r\nx-request-id: dup-2\r\n' +
        `traceparent: ${TRACEPARENT}\r\ntraceparent: ${TRACEPARENT}\r\ntracestate: k=v\r\n` +
        'Connection: close\r\n\r\n',
    );
    const echoed = /^x-request-id: (.*)\r$/im.exec(received)?.[1];
    // Node joins duplicate headers with ", ": still printable ASCII, so kept as sent.
    expect(echoed).toBe('dup-1, dup-2');
    const [line] = completionLines(logs, 'dup-1, dup-2');
    expect(line?.trace_id).not.toBe(TRACE_ID);
    const span = (await serverSpans(monitor)).find(
      (candidate) => candidate.spanId === line!.span_id,
    );
    expect(span?.parentSpanId).toBeUndefined();
  });

  it.each([
    ['a URL that does not decode', '/users/%zz', 400, 'FST_ERR_BAD_URL'],
    [
      'a parameter over maxParamLength',
      `/users/${'u'.repeat(200)}`,
      414,
      'FST_ERR_MAX_PARAM_LENGTH',
    ],
  ])(
    '%s: answered by the router as Fastify would, and recorded with no route',
    async (_case, path, status, code) => {
      const plain = Fastify();
      plain.get('/users/:id', async () => ({ ok: true }));
      const expected = await plain.inject({ method: 'GET', url: path });
      await plain.close();
      const requestId = `router-${status}`;
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual(expected.json());
      expect(response.headers.get('content-type')).toBe(expected.headers['content-type']);
      expect(expected.json()).toMatchObject({ code, statusCode: status });
      expect(response.headers.get('x-request-id')).toBe(requestId);
      const [line] = await waitFor('the completion line', () => {
        const found = completionLines(logs, requestId);
        return found.length > 0 ? found : undefined;
      });
      expect(line).toMatchObject({ res: { statusCode: status }, req: { method: 'GET' } });
      expect((line!.req as Record<string, unknown>).route).toBeUndefined();
      const span = (await serverSpans(monitor)).find((item) => item.traceId === line!.trace_id);
      expect(span?.name).toBe('GET');
      expect(span?.attributes?.['http.response.status_code']).toBe(status);
    },
  );

  it("under app.inject(): the router's answers are recorded with their status, not 499", async () => {
    for (const [path, status] of [
      ['/users/%zz', 400],
      [`/users/${'u'.repeat(200)}`, 414],
    ] as const) {
      const requestId = `inject-router-${status}`;
      const response = await app.inject({
        method: 'GET',
        url: path,
        headers: { 'x-request-id': requestId },
      });
      expect(response.statusCode).toBe(status);
      const [line] = await waitFor('the completion line', () => {
        const found = completionLines(logs, requestId);
        return found.length > 0 ? found : undefined;
      });
      expect(line).toMatchObject({ res: { statusCode: status } });
      const span = (await serverSpans(monitor)).find((item) => item.traceId === line!.trace_id);
      expect(span?.attributes?.['http.response.status_code']).toBe(status);
    }
  });

  it('a failed async constraint: answered 500 as Fastify would, and recorded', async () => {
    // A constraint whose value is derived asynchronously, and fails (Fastify's types know only
    // the synchronous form: hence the casts).
    const failing = {
      name: 'tenant',
      storage: () => {
        const handlers = new Map<string, unknown>();
        return {
          get: (value: string) => (handlers.get(value) ?? null) as never,
          set: (value: string, handler: unknown) => void handlers.set(value, handler),
        };
      },
      deriveConstraint: (
        _request: unknown,
        _context: unknown,
        done: (error: Error | null) => void,
      ) => done(new Error('tenant lookup failed')),
      mustMatchWhenDerived: true,
      validate: () => undefined,
    };
    const plain = Fastify({ constraints: { tenant: failing as never } });
    plain.get('/t', { constraints: { tenant: 'a' } }, async () => ({ ok: true }));
    const expected = await plain.inject({ method: 'GET', url: '/t' });
    await plain.close();
    const instrumented = Fastify({
      ...fastifyOptions(monitor),
      constraints: { tenant: failing as never },
    });
    await instrumented.register(driftwatch, { monitor });
    instrumented.get('/t', { constraints: { tenant: 'a' } }, async () => ({ ok: true }));
    const address = await instrumented.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${address}/t`, { headers: { 'x-request-id': 'router-500' } });
      expect(response.status).toBe(500);
      expect(await response.text()).toBe(expected.body);
      const [line] = await waitFor('the completion line', () => {
        const found = completionLines(logs, 'router-500');
        return found.length > 0 ? found : undefined;
      });
      expect(line).toMatchObject({ res: { statusCode: 500 } });
    } finally {
      await instrumented.close();
    }
  });
});
