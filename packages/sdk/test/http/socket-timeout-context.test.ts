/**
 * A connection's 'timeout' listeners run in the context of the request that took the socket
 * over, and no longer once that request let it go; its other events are left as they are.
 * Real sockets, real idle timeouts.
 */
import { once } from 'node:events';
import { createServer, connect, Socket, type Server } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createContextStorage,
  createStore,
  type RequestStore,
} from '../../src/context/request-context.js';
import {
  releaseSocketTimeout,
  socketTimeoutInContext,
} from '../../src/http/socket-timeout-context.js';

const storage = createContextStorage();
const store = (requestId: string): RequestStore =>
  createStore(
    requestId,
    trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    }),
  );

let server: Server;
let port: number;
const accepted: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** The server side of a new connection. */
async function serverSocket(): Promise<Socket> {
  const count = accepted.length;
  const client = connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  await once(client, 'connect');
  while (accepted.length === count) await new Promise((resolve) => setImmediate(resolve));
  return accepted[accepted.length - 1]!;
}

/** Arms a 30 ms idle timeout (it fires once) and resolves after it. */
function nextTimeout(socket: Socket): Promise<unknown> {
  socket.setTimeout(30);
  return once(socket, 'timeout');
}

describe('socketTimeoutInContext', () => {
  it("runs the socket's 'timeout' listeners in the request that took it over", async () => {
    const socket = await serverSocket();
    const seen: Array<string | undefined> = [];
    socket.on('timeout', () => seen.push(storage.getStore()?.requestId));
    socketTimeoutInContext(socket, storage, store('first'));
    await nextTimeout(socket);
    // The next request on the connection takes it over.
    socketTimeoutInContext(socket, storage, store('second'));
    await nextTimeout(socket);
    expect(seen).toEqual(['first', 'second']);
  });

  it('once the request let the socket go, a timeout runs outside it', async () => {
    const socket = await serverSocket();
    const first = store('first');
    socketTimeoutInContext(socket, storage, first);
    // Another request's end does not let go of it.
    releaseSocketTimeout(socket, store('other'));
    const seen: Array<string | undefined> = [];
    socket.on('timeout', () => seen.push(storage.getStore()?.requestId));
    await nextTimeout(socket);
    releaseSocketTimeout(socket, first);
    await nextTimeout(socket);
    expect(seen).toEqual(['first', undefined]);
  });

  it("leaves the socket's other events where they are emitted; its 'timeout' in the holder or in none", () => {
    const socket = new Socket();
    socketTimeoutInContext(socket, storage, store('bound'));
    const seen: Array<string | undefined> = [];
    socket.on('custom', () => seen.push(storage.getStore()?.requestId));
    storage.run(store('outer'), () => socket.emit('custom'));
    socket.emit('custom');
    expect(seen).toEqual(['outer', undefined]);
    // A 'timeout' emitted inside a context (Node re-arms the socket's timer in the response's
    // 'finish', in the request's): run in the request that holds the socket, or in none.
    socket.on('timeout', () => seen.push(`timeout in ${storage.getStore()?.requestId}`));
    storage.run(store('outer'), () => socket.emit('timeout'));
    const holder = store('holder');
    socketTimeoutInContext(socket, storage, holder);
    storage.run(store('outer'), () => socket.emit('timeout'));
    releaseSocketTimeout(socket, holder);
    storage.run(store('outer'), () => socket.emit('timeout'));
    expect(seen.slice(2)).toEqual([
      'timeout in bound',
      'timeout in holder',
      'timeout in undefined',
    ]);
    expect(releaseSocketTimeout(null, store('x'))).toBeUndefined();
  });
});
