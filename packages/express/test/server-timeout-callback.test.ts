/**
 * A line logged from the server's own timeout callback (`server.setTimeout(ms, callback)`, which
 * listens for 'timeout' on the server) carries the ids of the request in flight on the connection
 * that timed out. Node calls it from the socket's 'timeout', emitted by a timer in the
 * connection's context; the middleware runs the socket's 'timeout' in the request's. Once the
 * request has ended, a keep-alive connection that times out runs it outside any request.
 */
import type { Socket } from 'node:net';
import { init } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { completionLines, rawExchange } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

const { monitor, logs } = capturedMonitor(init, 'express-server-timeout-callback');
let listening: Listening;

beforeAll(async () => {
  const app = express();
  app.use(driftwatch(monitor));
  app.get('/slow', (_request, response) => {
    setTimeout(() => response.json({ late: true }), 1500);
  });
  app.get('/fast', (_request, response) => response.json({ fast: true }));
  listening = await listen(app);
  // An idle keep-alive connection times out as soon.
  listening.server.keepAliveTimeout = 300;
  // With a callback, Node leaves the socket to it.
  listening.server.setTimeout(300, (socket: Socket) => {
    monitor.logger.info('server timeout callback');
    socket.destroy();
  });
});

afterAll(async () => {
  await listening.close();
  await monitor.shutdown({ timeoutMs: 1000 });
});

const timeoutLines = () => logs.lines.filter((line) => line.msg === 'server timeout callback');

it('a request in flight: the callback line carries its ids', async () => {
  await rawExchange(
    listening.port,
    'GET /slow HTTP/1.1\r\nHost: x\r\nx-request-id: cut-by-callback\r\n\r\n',
  );
  const [completed] = await waitFor('the request recorded', () => {
    const found = completionLines(logs, 'cut-by-callback');
    return found.length > 0 ? found : undefined;
  });
  expect(timeoutLines()).toHaveLength(1);
  expect(timeoutLines()[0]).toMatchObject({
    request_id: 'cut-by-callback',
    trace_id: completed?.trace_id,
    span_id: completed?.span_id,
  });
});

it('an idle keep-alive connection after its request ended: no request ids', async () => {
  const before = timeoutLines().length;
  const received = await rawExchange(
    listening.port,
    'GET /fast HTTP/1.1\r\nHost: x\r\nx-request-id: ended-before-timeout\r\n\r\n',
  );
  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  await waitFor('the idle timeout', () => (timeoutLines().length > before ? true : undefined));
  const line = timeoutLines().at(-1);
  expect(line?.request_id).toBeUndefined();
  expect(line?.trace_id).toBeUndefined();
  expect(completionLines(logs, 'ended-before-timeout')).toHaveLength(1);
});
