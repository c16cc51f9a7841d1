/**
 * Requests the server's idle timeout (`server.setTimeout()`) cut: Node destroys the socket of a
 * request still in flight, and the server, not the client, gave up. Recorded once as the Fastify
 * plugin records it: 503 with `error.type` ServerTimeoutError; the sent status, as an error, once
 * the headers went out; 408 while the body had not arrived; never as 499. So is a request whose
 * handler set the timeout itself (`req.setTimeout(ms)`) on a server without one. The middleware
 * must not change what Node does: the socket is still destroyed, with nothing answered.
 */
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { handlerTimeoutCase, idleTimeoutCases } from '../../sdk/test/support/idle-timeout-cases.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let logs: LogCapture;
let listening: Listening;

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
  listening = await listen(app);
  // Long enough that the 499 case's client (gone after 50 ms) leaves first on a loaded host.
  listening.server.setTimeout(1000);
});

afterAll(async () => {
  await listening.close();
  await monitor.shutdown({ timeoutMs: 1000 });
});

describe('requests the server idle timeout cut (Express, server.setTimeout)', () => {
  idleTimeoutCases(() => ({ monitor, logs, port: listening.port }));
});

describe('a request whose handler set the idle timeout itself (Express, req.setTimeout)', () => {
  let ownMonitor: Monitor;
  let ownLogs: LogCapture;
  let ownListening: Listening;

  beforeAll(async () => {
    ({ monitor: ownMonitor, logs: ownLogs } = capturedMonitor(init, 'express-handler-timeout'));
    const app = express();
    app.use(driftwatch(ownMonitor));
    // No callback: Node destroys the socket when it fires, as for the server's own timeout.
    app.get('/report', (request) => {
      request.setTimeout(200);
    });
    // The server itself has no idle timeout.
    ownListening = await listen(app);
  });

  afterAll(async () => {
    await ownListening.close();
    await ownMonitor.shutdown({ timeoutMs: 1000 });
  });

  handlerTimeoutCase(() => ({ monitor: ownMonitor, logs: ownLogs, port: ownListening.port }));
});
