/**
 * Upgrade (WebSocket) requests on an instrumented Fastify server, with a raw handshake (the `ws`
 * package is not a dependency): dispatched through Fastify's router as @fastify/websocket does
 * (a ServerResponse assigned to the socket, a handler that hijacks the reply and answers 101 on
 * the socket), the session is recorded once when the socket closes, as 101 (as nginx logs it);
 * handled by the server's own `upgrade` listener, it is not a request of the plugin's and nothing
 * throws or stays behind.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import { connect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { completionLines } from '../../sdk/test/support/recorded-requests.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { instrumentedApp } from './support/instrumented-app.js';
import { collectUncaught, type UncaughtErrors } from '../../sdk/test/support/uncaught-errors.js';

const kSocket = Symbol('test.upgradeSocket');
type Upgrading = IncomingMessage & { [kSocket]?: Duplex };

let monitor: Monitor;
let app: FastifyInstance;
let logs: LogCapture;
let port: number;
let uncaught: UncaughtErrors;

beforeAll(async () => {
  uncaught = collectUncaught();
  ({ monitor, logs } = capturedMonitor(init, 'fastify-upgrades'));
  app = await instrumentedApp(monitor);
  app.get('/socket', (request, reply) => {
    const socket = (request.raw as Upgrading)[kSocket];
    if (socket === undefined) return reply.code(426).send();
    reply.hijack();
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    socket.on('data', (data: Buffer) => {
      request.log.info('message');
      monitor.logger.info('message, global logger');
      setTimeout(() => {
        monitor.logger.info('message, later');
        socket.write(data);
      }, 5);
    });
    socket.on('end', () => socket.end());
  });
  app.get('/plain', async (request) => ({
    ok: true,
    bound: request.raw.socket.emit !== Socket.prototype.emit,
  }));
  await app.ready();
  app.server.on('upgrade', (raw: Upgrading, socket: Duplex) => {
    if (raw.url === '/own') {
      // The server's own upgrade handling, outside Fastify.
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (data: Buffer) => socket.write(data));
      socket.on('end', () => socket.end());
      return;
    }
    raw[kSocket] = socket;
    const response = new ServerResponse(raw);
    response.assignSocket(socket as Socket);
    app.routing(raw, response);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(address).port);
});

afterAll(async () => {
  uncaught.stop();
  await app.close();
  await monitor.shutdown();
});

/** Upgrades, sends one message, reads the echo and closes; resolves with what it received. */
function session(path: string, requestId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.on('data', (data: string) => {
      received += data;
      if (received.includes('\r\n\r\n') && !received.endsWith('\r\n\r\n')) socket.destroy();
      else if (received.endsWith('\r\n\r\n')) socket.write('hello');
    });
    socket.on('close', () => resolve(received));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `x-request-id: ${requestId}\r\n\r\n`,
    );
  });
}

describe('upgrade requests (Fastify)', () => {
  it('routed through Fastify and hijacked: the session is recorded once at its close, as 101', async () => {
    const received = await session('/socket', 'upgrade-routed');
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
    expect(received.endsWith('hello')).toBe(true);
    const lines = await waitFor('the session recorded', () => {
      const found = completionLines(logs, 'upgrade-routed');
      return found.length > 0 ? found : undefined;
    });
    // The upgraded socket's own events (a WebSocket's messages) run in the request's context:
    // lines logged there, and from callbacks they schedule, carry the session's ids.
    const messages = logs.lines.filter((line) => String(line.msg).startsWith('message'));
    expect(messages.map((line) => line.msg)).toEqual([
      'message',
      'message, global logger',
      'message, later',
    ]);
    expect(messages[0]!.reqId).toBe('upgrade-routed');
    for (const line of messages) {
      expect(line).toMatchObject({
        request_id: 'upgrade-routed',
        trace_id: lines[0]!.trace_id,
        span_id: lines[0]!.span_id,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(completionLines(logs, 'upgrade-routed')).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 101 }, req: { route: '/socket' } });
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport)
      .items('spans')
      .filter((span) => span.kind === 'SERVER' && span.traceId === lines[0]!.trace_id);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.response.status_code']).toBe(101);
    expect(uncaught.errors).toEqual([]);
  });

  it("handled by the server's own upgrade listener: nothing recorded, nothing thrown", async () => {
    const received = await session('/own', 'upgrade-own');
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.lines.filter((line) => line.request_id === 'upgrade-own')).toEqual([]);
    const plain = await fetch(`http://127.0.0.1:${port}/plain`);
    expect(plain.status).toBe(200);
    // An ordinary request on the server that has upgrade listeners: its socket is not bound.
    expect(await plain.json()).toEqual({ ok: true, bound: false });
    expect(uncaught.errors).toEqual([]);
  });

  it('an Upgrade header on a server with no upgrade listener: an ordinary request, its keep-alive socket not bound', async () => {
    const plainApp = await instrumentedApp(monitor);
    plainApp.get('/bound', async (request) => ({
      bound: request.raw.socket.emit !== Socket.prototype.emit,
    }));
    const address = await plainApp.listen({ port: 0, host: '127.0.0.1' });
    try {
      const socket = connect(Number(new URL(address).port), '127.0.0.1');
      socket.setEncoding('latin1');
      let received = '';
      socket.on('data', (data: string) => (received += data));
      socket.write(
        'GET /bound HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, Upgrade\r\n' +
          'Upgrade: websocket\r\n\r\n',
      );
      await waitFor('the answer', () => (received.includes('"bound"') ? true : undefined));
      socket.destroy();
      expect(received).toMatch(/^HTTP\/1\.1 200 /);
      expect(received).toContain('{"bound":false}');
    } finally {
      await plainApp.close();
    }
    expect(uncaught.errors).toEqual([]);
  });
});
