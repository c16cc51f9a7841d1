/**
 * The HTTP attributes of a request span from what a real node:http server hands over: an
 * absolute-form target's `url.path` is its path alone, and a request that sent no status (0)
 * records none.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { validateItem } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryTransport, Monitor } from '../../src/index.js';
import { memoryMonitors } from '../support/memory-monitors.js';

const monitors = memoryMonitors('request-span-attributes');
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A server recording each request through `monitor.http`, as a framework integration does. */
async function instrumentedServer(monitor: Monitor): Promise<number> {
  const server = createServer((request: IncomingMessage, response) => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const handle = monitor.http.start({
      method: request.method ?? 'GET',
      path: query === -1 ? url : url.slice(0, query),
      query: query === -1 ? undefined : url.slice(query + 1),
      headers: request.headers,
    });
    response.setHeader('x-request-id', handle.requestId);
    // `/no-status`: a request that ends with no status sent, as one the client left.
    const statusCode = url === '/no-status' ? 0 : 200;
    response.end('ok', () => handle.end({ statusCode, route: '/path' }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends `head` as written (no body) and resolves with the response's head. */
function sendRaw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n`));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer.split('\r\n\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

async function spanAttributes(monitor: Monitor) {
  await monitor.flush();
  const spans = (monitor.transport as MemoryTransport).items('spans');
  // What the collector takes.
  for (const span of spans) expect(validateItem('spans', span).ok).toBe(true);
  return spans.map((span) => span.attributes);
}

describe('request span attributes', () => {
  it('an absolute-form target has its path alone as url.path', async () => {
    const { monitor } = monitors.start();
    const port = await instrumentedServer(monitor);
    await sendRaw(
      port,
      'GET http://user@api.example:8081/path?q=1 HTTP/1.1\r\nHost: other\r\nConnection: close',
    );
    await sendRaw(port, 'GET https://api.example HTTP/1.1\r\nHost: other\r\nConnection: close');
    const [first, second] = await spanAttributes(monitor);
    expect(first).toMatchObject({ 'url.path': '/path', 'url.query': 'q=1' });
    expect(second).toMatchObject({ 'url.path': '/' });
  });

  it('a request that sent no status records no http.response.status_code', async () => {
    const { monitor } = monitors.start();
    const port = await instrumentedServer(monitor);
    await sendRaw(port, 'GET /no-status HTTP/1.1\r\nHost: x\r\nConnection: close');
    const [attributes] = await spanAttributes(monitor);
    expect(attributes).toBeDefined();
    expect(attributes).not.toHaveProperty('http.response.status_code');
  });
});
