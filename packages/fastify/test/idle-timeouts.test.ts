/**
 * Requests the server's idle timeout (`connectionTimeout`) cut: Node destroys the socket of a
 * request still in flight, and the server, not the client, gave up. Such a request is recorded
 * once, as the server's failure (503 with `error.type` ServerTimeoutError; the sent status, as an
 * error, once the headers went out; 408 while the body had not arrived), never as 499. The
 * plugin must not change what Node does: the socket is still destroyed, with nothing answered.
 */
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
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
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let logs: LogCapture;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-server-timeouts'));
  app = Fastify({
    ...fastifyOptions(monitor),
    connectionTimeout: 200,
  }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  // Answers long after the server's idle timeout: it must not end the request a second time.
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    return { late: true };
  });
  app.get('/stalled-stream', (_request, reply) => {
    let reads = 0;
    const body = new Readable({
      read() {
        reads += 1;
        // A first chunk at once (the headers go out with it), then nothing.
        if (reads === 1) this.push('first chunk\n');
      },
    });
    return reply.type('text/plain').send(body);
  });
  app.post('/upload', async (request) => ({ received: request.body as unknown }));
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});

afterAll(async () => {
  await app.close();
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

describe('requests the server idle timeout cut (Fastify connectionTimeout)', () => {
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

  it('a body stream stalled after the headers: the sent status, as an error', async () => {
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
