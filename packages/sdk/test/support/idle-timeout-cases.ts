/**
 * The cases both framework integrations must record alike when the server's idle timeout
 * (Fastify's `connectionTimeout`, Node's `server.setTimeout()`) cuts a request: served by an app
 * with `GET /slow` (answers after the timeout), `GET /stalled-stream` (headers and a first chunk,
 * then nothing) and `POST /upload` (a JSON body), instrumented with `monitor` whose lines `logs`
 * captures, listening on `port`.
 */
import { connect } from 'node:net';
import type { Monitor } from '@driftwatch/sdk';
import { expect, it } from 'vitest';
import type { LogCapture } from './log-capture.js';
import { waitFor } from './net.js';
import {
  completionLines,
  durationPoints,
  expectFailedAfterHeaders,
  rawExchange,
  serverSpans,
} from './recorded-requests.js';

export interface IdleTimeoutServer {
  readonly monitor: Monitor;
  readonly logs: LogCapture;
  readonly port: number;
}

/** Defines the cases (inside a `describe`); `server()` is called once the app listens. */
export function idleTimeoutCases(server: () => IdleTimeoutServer): void {
  /** The one completion line of `requestId`, once written, after a pause for a second one. */
  async function onlyLine(requestId: string): Promise<Record<string, unknown>> {
    const { logs } = server();
    await waitFor(`the line of ${requestId}`, () =>
      completionLines(logs, requestId).length > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    const lines = completionLines(logs, requestId);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }

  async function spanOf(path: string) {
    const spans = (await serverSpans(server().monitor)).filter(
      (span) => span.attributes?.['url.path'] === path,
    );
    expect(spans).toHaveLength(1);
    return spans[0]!;
  }

  it('a slow handler: the socket is still destroyed, recorded once as 503 ServerTimeoutError', async () => {
    const received = await rawExchange(
      server().port,
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
    const points = (await durationPoints(server().monitor)).filter(
      (point) => point.attributes?.['http.route'] === '/slow',
    );
    expect(points.at(-1)).toMatchObject({
      count: 1,
      attributes: { 'http.response.status_code': 503, 'error.type': 'ServerTimeoutError' },
    });
  });

  it('a response stalled after the headers: the sent status, as an error', async () => {
    const received = await rawExchange(
      server().port,
      'GET /stalled-stream HTTP/1.1\r\nHost: x\r\nx-request-id: idle-stream\r\n\r\n',
    );
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    const line = await onlyLine('idle-stream');
    expect(line).toMatchObject({ res: { statusCode: 200 }, req: { route: '/stalled-stream' } });
    await expectFailedAfterHeaders(server().monitor, await spanOf('/stalled-stream'), {
      route: '/stalled-stream',
      statusCode: 200,
      errorType: 'ServerTimeoutError',
    });
  });

  it('a body that stopped arriving: 408, the client was too slow (not an error)', async () => {
    const received = await rawExchange(
      server().port,
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
    const socket = connect(server().port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nx-request-id: idle-client-left\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const line = await onlyLine('idle-client-left');
    expect(line).toMatchObject({ res: { statusCode: 499 }, req: { route: '/slow' } });
  });
}

/**
 * The case of a handler that sets the idle timeout itself (`req.setTimeout(ms)` with no callback)
 * on a server without one, served at `GET /report`: Node destroys the socket as for the server's
 * own timeout, and the server gave up, not the client.
 */
export function handlerTimeoutCase(server: () => IdleTimeoutServer): void {
  it('the server gave up, not the client: 503 ServerTimeoutError, not 499', async () => {
    const { monitor, logs, port } = server();
    const received = await rawExchange(
      port,
      'GET /report HTTP/1.1\r\nHost: x\r\nx-request-id: handler-timeout\r\n\r\n',
    );
    expect(received).toBe('');
    const [line] = await waitFor('the line of handler-timeout', () => {
      const lines = completionLines(logs, 'handler-timeout');
      return lines.length > 0 ? lines : undefined;
    });
    expect(line).toMatchObject({ res: { statusCode: 503 }, req: { route: '/report' } });
    const [span] = await serverSpans(monitor);
    expect(span?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': 'ServerTimeoutError',
    });
  });
}
