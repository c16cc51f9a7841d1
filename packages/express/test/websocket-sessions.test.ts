/**
 * WebSocket sessions through express-ws (real `ws` client and server): each is recorded once,
 * when its socket closes, under the route the app declared (`/echo`, not express-ws's
 * `/echo/.websocket`); lines logged from its messages, and from callbacks they schedule, carry
 * its ids; a failing route, a refusing middleware and an unknown path are recorded with their
 * status. Ordinary requests on the same server are unaffected.
 */
import { Socket } from 'node:net';
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import expressWs from 'express-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { completionLines, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, driftwatchErrors } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';
import { collectUncaught, type UncaughtErrors } from '../../sdk/test/support/uncaught-errors.js';

let monitor: Monitor;
let logs: LogCapture;
let server: Listening;
let wsUrl: string;
let uncaught: UncaughtErrors;

beforeAll(async () => {
  uncaught = collectUncaught();
  ({ monitor, logs } = capturedMonitor(init, 'express-websockets'));
  const app = express();
  // express-ws serves the app on a server of its own (its `app.listen`) and adds `.ws` routes.
  const { app: wsApp } = expressWs(app);
  app.use(driftwatch(monitor));
  app.use('/guarded', (_request, response) => {
    response.status(401).end();
  });
  app.use('/moved', (_request, response) => {
    response.redirect(301, '/echo/lobby');
  });
  wsApp.ws('/echo/:room', (socket) => {
    socket.on('message', (data: Buffer) => {
      monitor.logger.info('message');
      setTimeout(() => {
        monitor.logger.info('message, later');
        socket.send(data);
      }, 5);
    });
  });
  wsApp.ws('/boom', () => {
    throw new TypeError('no socket for you');
  });
  app.get('/plain', (request, response) => {
    response.json({ bound: request.socket.emit !== Socket.prototype.emit });
  });
  app.use(driftwatchErrors(monitor));
  server = await listen(app);
  wsUrl = server.baseUrl.replace('http:', 'ws:');
});

afterAll(async () => {
  uncaught.stop();
  await server.close();
  await monitor.shutdown();
});

/**
 * Opens a session, sends `message` and closes once its echo arrives (without a message, closes
 * when open: express-ws leaves the socket of a route that threw open), then waits for the close.
 */
function session(path: string, requestId: string, message?: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const received: string[] = [];
    const socket = new WebSocket(`${wsUrl}${path}`, { headers: { 'x-request-id': requestId } });
    socket.on('error', reject);
    socket.on('open', () => {
      if (message === undefined) socket.close();
      else socket.send(message);
    });
    socket.on('message', (data: Buffer) => {
      received.push(data.toString());
      socket.close();
    });
    socket.on('close', () => resolve(received));
  });
}

/** The one completion line of a session, once its socket closed on the server. */
async function recorded(requestId: string): Promise<Record<string, unknown>> {
  const line = await waitFor(`the session ${requestId} recorded`, () => {
    const found = completionLines(logs, requestId);
    return found.length > 0 ? found[0] : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(completionLines(logs, requestId)).toHaveLength(1);
  return line;
}

async function spanOf(line: Record<string, unknown>) {
  const spans = (await serverSpans(monitor)).filter((span) => span.traceId === line.trace_id);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('WebSocket sessions (express-ws)', () => {
  it('an echo session: recorded once at its close as 101 under its route; its messages carry its ids', async () => {
    expect(await session('/echo/lobby?user=7', 'ws-echo', 'hello')).toEqual(['hello']);
    const line = await recorded('ws-echo');
    expect(line).toMatchObject({
      res: { statusCode: 101 },
      req: { method: 'GET', url: '/echo/lobby', route: '/echo/:room' },
    });
    const messages = logs.lines.filter((entry) => String(entry.msg).startsWith('message'));
    expect(messages.map((entry) => entry.msg)).toEqual(['message', 'message, later']);
    for (const entry of messages) {
      expect(entry).toMatchObject({
        request_id: 'ws-echo',
        trace_id: line.trace_id,
        span_id: line.span_id,
      });
    }
    const span = await spanOf(line);
    expect(span.name).toBe('GET /echo/:room');
    expect(span.attributes).toMatchObject({
      'http.response.status_code': 101,
      'http.route': '/echo/:room',
      'url.path': '/echo/lobby',
    });
    expect(span.status?.code).not.toBe('ERROR');
    expect(uncaught.errors).toEqual([]);
  });

  it('a route that throws: recorded as 500 with the error, once', async () => {
    await session('/boom', 'ws-boom');
    const line = await recorded('ws-boom');
    expect(line).toMatchObject({ res: { statusCode: 500 }, req: { route: '/boom' } });
    const span = await spanOf(line);
    expect(span.status).toEqual({ code: 'ERROR' });
    expect(span.attributes?.['error.type']).toBe('TypeError');
    // driftwatchErrors logged the error with the session's ids.
    expect(
      logs.lines.find((entry) => entry.msg === 'no socket for you' && entry.level === 50),
    ).toMatchObject({ request_id: 'ws-boom', trace_id: line.trace_id });
  });

  it('answered by a middleware (a 401, a redirect): recorded with its status; an unknown path: 404', async () => {
    await session('/guarded/room', 'ws-guarded');
    expect(await recorded('ws-guarded')).toMatchObject({ res: { statusCode: 401 } });
    await session('/moved', 'ws-moved');
    expect(await recorded('ws-moved')).toMatchObject({ res: { statusCode: 301 } });
    await session('/nowhere', 'ws-nowhere');
    const line = await recorded('ws-nowhere');
    expect(line).toMatchObject({ res: { statusCode: 404 }, req: { url: '/nowhere' } });
    expect((line.req as Record<string, unknown>).route).toBeUndefined();
    expect(uncaught.errors).toEqual([]);
  });

  it('an ordinary request on the same server: recorded as usual, its socket not bound', async () => {
    const response = await fetch(`${server.baseUrl}/plain`, {
      headers: { 'x-request-id': 'ws-plain' },
    });
    expect(await response.json()).toEqual({ bound: false });
    expect(response.headers.get('x-request-id')).toBe('ws-plain');
    expect(await recorded('ws-plain')).toMatchObject({
      res: { statusCode: 200 },
      req: { route: '/plain' },
    });
  });
});
