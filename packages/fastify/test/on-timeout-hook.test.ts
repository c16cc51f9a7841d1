/**
 * Lines logged from a route's `onTimeout` hook carry the ids of the request Fastify runs it for.
 * Fastify listens for the connection's idle timeout on the socket itself, which Node emits from a
 * timer in the connection's context, outside the request's: the plugin runs the socket's
 * 'timeout' listeners in the context of the request in flight on the connection (keep-alive
 * connections serve one request after another; Fastify runs no hook for an idle one).
 */
import { connect, type Socket } from 'node:net';
import { init } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

const { monitor, logs } = capturedMonitor(init, 'fastify-on-timeout');
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = Fastify({
    ...fastifyOptions(monitor),
    connectionTimeout: 400,
    keepAliveTimeout: 400,
  }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  const onTimeout = async (request: { id: string; log: { info(msg: string): void } }) => {
    monitor.logger.info(`monitor.logger in onTimeout of ${request.id}`);
    // After an await: the hook's promise chain keeps the context.
    await new Promise((resolve) => setImmediate(resolve));
    request.log.info(`request.log in onTimeout of ${request.id}`);
  };
  app.get('/fast', { onTimeout }, async () => 'fast');
  app.get('/slow', { onTimeout }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return 'late';
  });
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

/** Writes raw requests on one keep-alive connection and resolves once the server closes it. */
function connection(): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (data: string) => (text += data));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

const get = (path: string, requestId: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nx-request-id: ${requestId}\r\n\r\n`;

const HOOK_LINES = (requestId: string): string[] => [
  `monitor.logger in onTimeout of ${requestId}`,
  `request.log in onTimeout of ${requestId}`,
];

/** Waits for the onTimeout lines and the completion line of one request; checks their ids. */
async function expectIdsOnHookLines(requestId: string): Promise<void> {
  const hookLines = (): Array<Record<string, unknown>> =>
    logs.lines.filter((line) => HOOK_LINES(requestId).includes(String(line.msg)));
  const completed = (): Record<string, unknown> | undefined =>
    logs.lines.find((line) => line.msg === 'request completed' && line.request_id === requestId);
  await waitFor(`the lines of ${requestId}`, () =>
    hookLines().length === 2 && completed() ? true : undefined,
  );
  // Cut by the server's idle timeout: recorded as its failure.
  expect(completed()).toMatchObject({ res: { statusCode: 503 } });
  expect(completed()?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  for (const line of hookLines()) {
    expect(line, String(line.msg)).toMatchObject({
      request_id: requestId,
      trace_id: completed()?.trace_id,
      span_id: completed()?.span_id,
    });
  }
}

describe('lines logged from a route onTimeout hook (Fastify)', () => {
  it('a request the idle timeout cuts: its ids on the hook lines', async () => {
    const { socket, closed } = connection();
    socket.write(get('/slow', 'timeout-slow'));
    await closed;
    await expectIdsOnHookLines('timeout-slow');
  });

  it('on a keep-alive connection: the ids of the request in flight, not of the one before', async () => {
    const { socket, received, closed } = connection();
    socket.write(get('/fast', 'keepalive-first'));
    await waitFor('the first answer', () => (received().includes('fast') ? true : undefined));
    socket.write(get('/slow', 'keepalive-second'));
    await closed;
    await expectIdsOnHookLines('keepalive-second');
    // The first request's completion line alone: the hook never ran for it.
    expect(logs.lines.filter((line) => line.request_id === 'keepalive-first')).toHaveLength(1);
  });
});
