/**
 * Requests the server's idle timeout (`connectionTimeout`) cut: Node destroys the socket of a
 * request still in flight, and the server, not the client, gave up. Such a request is recorded
 * once, as the server's failure (503 with `error.type` ServerTimeoutError; the sent status, as an
 * error, once the headers went out; 408 while the body had not arrived), never as 499. The
 * plugin must not change what Node does: the socket is still destroyed, with nothing answered.
 * So is a request whose handler set the timeout itself (`request.raw.setTimeout(ms)`) on a server
 * without one.
 */
import { Readable } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { handlerTimeoutCase, idleTimeoutCases } from '../../sdk/test/support/idle-timeout-cases.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let logs: LogCapture;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-server-timeouts'));
  app = Fastify({
    ...fastifyOptions(monitor),
    // Long enough that the 499 case's client (gone after 50 ms) leaves first on a loaded host.
    connectionTimeout: 1000,
  }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  // Answers long after the server's idle timeout: it must not end the request a second time.
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1800));
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

describe('requests the server idle timeout cut (Fastify connectionTimeout)', () => {
  idleTimeoutCases(() => ({ monitor, logs, port }));
});

describe('a request whose handler set the idle timeout itself (Fastify, request.raw.setTimeout)', () => {
  let ownMonitor: Monitor;
  let ownLogs: LogCapture;
  let ownApp: FastifyInstance;
  let ownPort: number;

  beforeAll(async () => {
    ({ monitor: ownMonitor, logs: ownLogs } = capturedMonitor(init, 'fastify-handler-timeout'));
    // The server itself has no idle timeout (Fastify's default connectionTimeout is 0).
    ownApp = Fastify(fastifyOptions(ownMonitor)) as unknown as FastifyInstance;
    await ownApp.register(driftwatch, { monitor: ownMonitor });
    // No callback: Node destroys the socket when it fires, as for the server's own timeout.
    ownApp.get('/report', (request) => {
      request.raw.setTimeout(200);
      return new Promise(() => undefined);
    });
    ownPort = Number(new URL(await ownApp.listen({ port: 0, host: '127.0.0.1' })).port);
  });

  afterAll(async () => {
    await ownApp.close();
    await ownMonitor.shutdown({ timeoutMs: 1000 });
  });

  handlerTimeoutCase(() => ({ monitor: ownMonitor, logs: ownLogs, port: ownPort }));
});
