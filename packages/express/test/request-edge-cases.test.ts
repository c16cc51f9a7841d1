/**
 * Requests at the edges of HTTP/1.1 on an instrumented Express server: pipelined requests on one
 * connection (each its own id, context and line), a URL near Node's header limit (`url.path`
 * clipped to 8192 characters), duplicate `x-request-id`/`traceparent` headers (joined by Node:
 * the traceparent is then invalid and a new trace starts), and upgrade requests: taken by the
 * server's own `upgrade` listener they never reach Express (nothing recorded, nothing thrown).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import {
  completionLines,
  rawExchange,
  serverSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { collectUncaught, type UncaughtErrors } from '../../sdk/test/support/uncaught-errors.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let monitor: Monitor;
let logs: LogCapture;
let server: Server;
let port: number;
/** Upgraded sockets are no longer the server's: closed by the test. */
const upgraded: Duplex[] = [];
let uncaught: UncaughtErrors;

beforeAll(async () => {
  uncaught = collectUncaught();
  ({ monitor, logs } = capturedMonitor(init, 'express-edges'));
  const app = express();
  app.use(driftwatch(monitor));
  app.get('/echo/:n', (request, response) => {
    const n = Number(request.params.n);
    // Later requests are ready first: a context that crossed requests would show.
    setTimeout(
      () => {
        monitor.logger.info({ n }, 'handled');
        response.json({ n, requestId: monitor.activeContext()?.requestId });
      },
      60 - n * 20,
    );
  });
  app.get('/any/*rest', (_request, response) => {
    response.json({ ok: true });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  server.on('upgrade', (_request, socket: Duplex, head: Buffer) => {
    upgraded.push(socket);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
    );
    socket.write(head);
    socket.on('data', (data: Buffer) => socket.write(data));
    socket.on('end', () => socket.end());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(async () => {
  uncaught.stop();
  server.closeAllConnections();
  for (const socket of upgraded) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await monitor.shutdown({ timeoutMs: 1000 });
});

/** Writes `raw` on one connection; resolves with what was read once `done` says so or it closed. */
describe('HTTP/1.1 edge cases (Express)', () => {
  it('pipelined requests: each keeps its own id, context, line and order', async () => {
    const requests = [0, 1, 2].map(
      (n) =>
        `GET /echo/${n} HTTP/1.1\r\nHost: x\r\nx-request-id: pipe-${n}\r\n` +
        (n === 2 ? 'Connection: close\r\n' : '') +
        '\r\n',
    );
    const received = await rawExchange(port, requests.join(''));
    const bodies = [...received.matchAll(/\{"n":(\d),"requestId":"([^"]+)"\}/g)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(bodies).toEqual([
      ['0', 'pipe-0'],
      ['1', 'pipe-1'],
      ['2', 'pipe-2'],
    ]);
    for (const n of [0, 1, 2]) {
      const lines = logs.lines.filter((line) => line.request_id === `pipe-${n}`);
      expect(lines.map((line) => line.msg)).toEqual(['handled', 'request completed']);
      expect(lines[0]).toMatchObject({ n });
      expect(lines[1]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/echo/:n' } });
    }
  });

  it('a URL near the header limit: answered, url.path clipped to 8192 characters', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/any/${'a'.repeat(15_000)}`, {
      headers: { 'x-request-id': 'edge-long' },
    });
    expect(response.status).toBe(200);
    const [line] = await waitFor('recorded', () => {
      const found = completionLines(logs, 'edge-long');
      return found.length > 0 ? found : undefined;
    });
    const span = (await serverSpans(monitor)).find(
      (candidate) => candidate.spanId === line!.span_id,
    );
    expect((span?.attributes?.['url.path'] as string).length).toBe(8192);
    expect(span?.attributes?.['http.route']).toBe('/any/*rest');
  });

  it('duplicate x-request-id and traceparent headers: a safe id and a new trace', async () => {
    const received = await rawExchange(
      port,
      'GET /any/x HTTP/1.1\r\nHost: x\r\nx-request-id: dup-1\r\nx-request-id: dup-2\r\n' +
        `traceparent: ${TRACEPARENT}\r\ntraceparent: ${TRACEPARENT}\r\ntracestate: k=v\r\n` +
        'Connection: close\r\n\r\n',
    );
    expect(/^x-request-id: (.*)\r$/im.exec(received)?.[1]).toBe('dup-1, dup-2');
    const [line] = completionLines(logs, 'dup-1, dup-2');
    expect(line?.trace_id).not.toBe(TRACE_ID);
    const span = (await serverSpans(monitor)).find(
      (candidate) => candidate.spanId === line!.span_id,
    );
    expect(span?.parentSpanId).toBeUndefined();
  });

  it("an upgrade taken by the server's own listener: nothing recorded, nothing thrown", async () => {
    const received = await rawExchange(
      port,
      'GET /echo/0 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n' +
        'x-request-id: edge-upgrade\r\n\r\nhello',
      (text) => text.endsWith('hello'),
    );
    expect(received).toMatch(/^HTTP\/1\.1 101 [^]*hello$/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.lines.filter((line) => line.request_id === 'edge-upgrade')).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${port}/any/after`)).status).toBe(200);
    expect(uncaught.errors).toEqual([]);
  });
});
