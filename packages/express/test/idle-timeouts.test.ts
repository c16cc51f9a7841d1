/**
 * Requests the server's idle timeout (`server.setTimeout()`) cut: Node destroys the socket of a
 * request still in flight, and the server, not the client, gave up. Recorded once as the Fastify
 * plugin records it: 503 with `error.type` ServerTimeoutError; the sent status, as an error, once
 * the headers went out; 408 while the body had not arrived; never as 499. The middleware must not
 * change what Node does: the socket is still destroyed, with nothing answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { idleTimeoutCases } from '../../sdk/test/support/idle-timeout-cases.js';
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
    setTimeout(() => response.json({ late: true }), 1800);
  });
  // The headers and a first chunk at once, then nothing.
  app.get('/stalled-stream', (_request, response) => {
    response.type('text/plain').write('first chunk\n');
  });
  app.post('/upload', express.json(), (request, response) => {
    response.json({ received: request.body as unknown });
  });
  server = createServer(app);
  // Long enough that the 499 case's client (gone after 50 ms) leaves first on a loaded host.
  server.setTimeout(1000);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await monitor.shutdown({ timeoutMs: 1000 });
});

describe('requests the server idle timeout cut (Express, server.setTimeout)', () => {
  idleTimeoutCases(() => ({ monitor, logs, port }));
});
