/**
 * Express requests the client abandons: before a slow handler answered, mid-way through a
 * streamed body, while `express.json()` still read the request's body, or queued behind another
 * on a pipelined connection. Each is recorded once, as 499 (as the Fastify plugin records them): one span,
 * one duration sample and one completion line, with its route.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { completionLines, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let logs: LogCapture;
let server: Listening;
/** How many `/queued` handlers started. */
let queuedStarted = 0;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'express-aborts'));
  const app = express();
  app.use(driftwatch(monitor));
  app.get('/slow', (_request, response) => {
    setTimeout(() => response.json({ done: true }), 300);
  });
  app.get('/queued', (_request, response) => {
    queuedStarted += 1;
    setTimeout(() => response.json({ done: true }), 300);
  });
  app.get('/stream', (_request, response) => {
    response.type('text/plain').write('first chunk\n');
    // Nothing more for a while: the client leaves in between; the writes after it go nowhere.
    let sent = 0;
    const timer = setInterval(() => {
      sent += 1;
      if (sent > 5) {
        clearInterval(timer);
        response.end('last\n');
      } else response.write('more\n');
    }, 100);
  });
  app.use(express.json());
  app.post('/body', (request, response) => {
    response.json({ received: request.body as unknown });
  });
  app.post('/slow-body', (request, response) => {
    setTimeout(() => response.json({ received: request.body as unknown }), 100);
  });
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

/** GETs `path` and destroys the connection after `afterMs`; resolves with the request id. */
function abandon(path: string, afterMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let requestId: string | undefined;
    const outgoing = httpRequest(`${server.baseUrl}${path}`, (response) => {
      requestId = response.headers['x-request-id'] as string | undefined;
      response.on('data', () => undefined);
      response.on('error', () => undefined);
    });
    outgoing.on('error', () => resolve(requestId));
    outgoing.on('close', () => resolve(requestId));
    outgoing.end();
    setTimeout(() => outgoing.destroy(), afterMs);
  });
}

/** POSTs the first bytes of a JSON body and leaves after `afterMs`, the rest never sent. */
function abandonBody(path: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const { port } = new URL(server.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        'Content-Length: 20\r\n\r\n{"a"',
    );
    setTimeout(() => socket.destroy(), afterMs);
  });
}

async function recorded(path: string) {
  await monitor.flush();
  const transport = monitor.transport as MemoryTransport;
  const lines = logs.lines.filter(
    (line) => line.msg === 'request completed' && (line.req as { url?: string }).url === path,
  );
  const spans = transport
    .items('spans')
    .filter((span) => span.kind === 'SERVER' && span.attributes?.['url.path'] === path);
  const durations = transport
    .items('metrics')
    .filter(
      (point) =>
        point.name === 'http.server.request.duration' && point.attributes?.['http.route'] === path,
    );
  return { lines, spans, durations: durations.at(-1) };
}

describe('aborted requests (Express)', () => {
  it('a client gone before a slow handler answered: one span, one sample, one line, as 499', async () => {
    await abandon('/slow', 50);
    // The handler still answers later: that must not end the request a second time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { lines, spans, durations } = await recorded('/slow');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 }, req: { route: '/slow' } });
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.response.status_code']).toBe(499);
    expect(durations).toMatchObject({
      type: 'histogram',
      count: 1,
      attributes: { 'http.response.status_code': 499 },
    });
  });

  it('a client gone mid-way through a streamed body: recorded once, as 499', async () => {
    const requestId = await abandon('/stream', 150);
    expect(requestId).toBeDefined();
    await waitFor('the aborted stream recorded', async () => {
      const found = await recorded('/stream');
      return found.lines.length > 0 ? found : undefined;
    });
    // The handler's later writes and end() must not record it again.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const { lines, spans } = await recorded('/stream');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ request_id: requestId, res: { statusCode: 499 } });
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.route']).toBe('/stream');
  });

  it('a client gone while express.json() read the body: recorded once, as 499', async () => {
    // body-parser then fails the request with a 400 that Express "answers" on the closed socket.
    await abandonBody('/body', 50);
    const { lines, spans } = await waitFor('the aborted body recorded', async () => {
      const found = await recorded('/body');
      return found.lines.length > 0 ? found : undefined;
    });
    expect(lines).toHaveLength(1);
    // The parser runs before routing: no route had matched yet.
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 }, req: { url: '/body' } });
    expect(lines[0]!.req).not.toHaveProperty('route');
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.response.status_code']).toBe(499);
  });

  it('pipelined POSTs (each body read while its response waits): each answered and recorded', async () => {
    // Such a request closes once express.json() read its body, long before its response gets
    // the socket: that is no abandonment.
    const ids = ['pipe-post-0', 'pipe-post-1', 'pipe-post-2'];
    const received = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1');
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
      socket.write(
        ids
          .map(
            (id, n) =>
              `POST /slow-body HTTP/1.1\r\nHost: x\r\nx-request-id: ${id}\r\n` +
              'content-type: application/json\r\ncontent-length: 2\r\n' +
              (n === 2 ? 'Connection: close\r\n' : '') +
              '\r\n{}',
          )
          .join(''),
      );
    });
    expect(received.match(/HTTP\/1\.1 200 /g)).toHaveLength(3);
    for (const id of ids) {
      const lines = await waitFor(`the completion line of ${id}`, () => {
        const found = completionLines(logs, id);
        return found.length > 0 ? found : undefined;
      });
      expect(lines, id).toHaveLength(1);
      expect(lines[0]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/slow-body' } });
    }
  });

  it('pipelined requests queued behind a dropped connection: each recorded once, as 499', async () => {
    // Node destroys the queued requests, whose responses never got the socket: neither 'finish'
    // nor 'close' comes on those responses.
    const ids = ['queued-1', 'queued-2', 'queued-3'];
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
      socket.write(
        ids.map((id) => `GET /queued HTTP/1.1\r\nHost: x\r\nx-request-id: ${id}\r\n\r\n`).join(''),
      );
      // Once Node handed all three to Express (it does not wait for the first response).
      void waitFor('the queued handlers started', () => queuedStarted === 3 || undefined).then(
        () => socket.destroy(),
        () => socket.destroy(),
      );
    });
    // The handlers still answer later: that must not end a request a second time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of ids) {
      const lines = completionLines(logs, id);
      expect(lines, id).toHaveLength(1);
      expect(lines[0]).toMatchObject({ res: { statusCode: 499 }, req: { route: '/queued' } });
    }
    const traceIds = ids.map((id) => completionLines(logs, id)[0]!.trace_id);
    const queuedSpans = (await serverSpans(monitor)).filter((span) =>
      traceIds.includes(span.traceId),
    );
    expect(queuedSpans).toHaveLength(3);
    expect(queuedSpans.map((span) => span.attributes?.['http.response.status_code'])).toEqual([
      499, 499, 499,
    ]);
  });
});
