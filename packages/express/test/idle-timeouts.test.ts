/**
 * Requests the server's idle timeout (`server.setTimeout()`) cut: Node destroys the socket of a
 * request still in flight, and the server, not the client, gave up. Recorded once as the Fastify
 * plugin records it: 503 with `error.type` ServerTimeoutError; the sent status, as an error, once
 * the headers went out; 408 while the body had not arrived; never as 499. The middleware must not
 * change what Node does: the socket is still destroyed, with nothing answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import {
  completionLines,
  durationPoints,
  expectFailedAfterHeaders,
  rawExchange,
  serverSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';

let monitor: Monitor;
let logs: LogCapture;
let server: Server;
let port: number;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'express-idle-timeouts'));
  const app = express();
  app.use(driftwatch(monitor));
  // Answers long after the server's idle timeout: it must not end the request a second time.
  app.get('/slow', (_request, response) => {
    setTimeout(() => response.json({ late: true }), 600);
  });
  // The headers and a first chunk at once, then nothing.
  app.get('/stalled-stream', (_request, response) => {
    response.type('text/plain').write('first chunk\n');
  });
  app.post('/upload', express.json(), (request, response) => {
    response.json({ received: request.body as unknown });
  });
  server = createServer(app);
  server.setTimeout(200);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await monitor.shutdown({ timeoutMs: 1000 });
});

/** The one completion line of `requestId`, once written, after a pause for a second one. */
async function onlyLine(requestId: string): Promise<Record<string, unknown>> {
  await waitFor(`the line of ${requestId}`, () =>
    completionLines(logs, requestId).length > 0 ? true : undefined,
  );
  await new Promise((resolve) => setTimeout(resolve, 700));
  const lines = completionLines(logs, requestId);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

async function spanOf(path: string) {
  const spans = (await serverSpans(monitor)).filter(
    (span) => span.attributes?.['url.path'] === path,
  );
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('requests the server idle timeout cut (Express, server.setTimeout)', () => {
  it('a slow handler: the socket is still destroyed, recorded once as 503 ServerTimeoutError', async () => {
    const received = await rawExchange(
      port,
      'GET /slow HTTP/1.1\r\nHost: x\r\nx-request-id: idle-slow\r\n\r\n',
    );
    // Node's behaviour is unchanged: nothing answered, the connection closed.
    expect(received).toBe('');
    const line = await onlyLine('idle-slow');
    expect(line).toMatchObject({ res: { statusCode: 503 }, req: { route: '/slow' } });
    const span = await spanOf('/slow');
    expect(span.status).toEqual({ code: 'ERROR' });
    expect(span.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': 'ServerTimeoutError',
    });
    expect(span.events?.map((event) => event.name)).toEqual(['exception']);
    const points = (await durationPoints(monitor)).filter(
      (point) => point.attributes?.['http.route'] === '/slow',
    );
    expect(points.at(-1)).toMatchObject({
      count: 1,
      attributes: { 'http.response.status_code': 503, 'error.type': 'ServerTimeoutError' },
    });
  });

  it('a response stalled after the headers: the sent status, as an error', async () => {
    const received = await rawExchange(
      port,
      'GET /stalled-stream HTTP/1.1\r\nHost: x\r\nx-request-id: idle-stream\r\n\r\n',
    );
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    const line = await onlyLine('idle-stream');
    expect(line).toMatchObject({ res: { statusCode: 200 }, req: { route: '/stalled-stream' } });
    await expectFailedAfterHeaders(monitor, await spanOf('/stalled-stream'), {
      route: '/stalled-stream',
      statusCode: 200,
      errorType: 'ServerTimeoutError',
    });
  });

  it('a body that stopped arriving: 408, the client was too slow (not an error)', async () => {
    const received = await rawExchange(
      port,
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 20\r\nx-request-id: idle-upload\r\n\r\n{"a"',
    );
    expect(received).toBe('');
    const line = await onlyLine('idle-upload');
    expect(line).toMatchObject({ res: { statusCode: 408 }, req: { route: '/upload' } });
    const span = await spanOf('/upload');
    expect(span.attributes?.['http.response.status_code']).toBe(408);
    expect(span.attributes?.['error.type']).toBeUndefined();
  });

  it('a client that leaves before the timeout is still a 499', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nx-request-id: idle-client-left\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const line = await onlyLine('idle-client-left');
    expect(line).toMatchObject({ res: { statusCode: 499 }, req: { route: '/slow' } });
  });
});
