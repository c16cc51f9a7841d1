/**
 * A request that arrives while the collector shuts down (on a connection still busy with a
 * request admitted before) is answered 503 with Retry-After and DW_COLLECTOR_SHUTTING_DOWN, so
 * the SDK retries it (on another instance, or this one restarted); the request admitted before
 * the shutdown is still answered and stored.
 */
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';
import { prediction } from '../helpers/events.js';

/** One raw HTTP/1.1 answer: status, headers (names lower-cased) and body. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits what the server sent on one connection into its answers (bodies have content-length). */
function answers(text: string): RawAnswer[] {
  const parsed: RawAnswer[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    parsed.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + length),
    });
    rest = rest.slice(end + 4 + length);
  }
  return parsed;
}

/** Resolves once the port refuses new connections: the server stopped listening. */
async function refused(port: number): Promise<void> {
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Everything the server sends on a socket until it closes the connection. */
function received(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
}

describe('a collector shutting down', () => {
  let collector: CollectorApp;
  let port: number;
  let dispose: () => Promise<void>;
  let routed = 0;
  beforeAll(async () => {
    const temp = await openTempStorage('dw_shutting_down');
    dispose = temp.dispose;
    collector = await buildApp({ storageInstance: temp.storage, logLevel: 'silent' });
    // Counts requests routed (onRequest), so the test knows the first one was admitted.
    collector.app.addHook('onRequest', async () => {
      routed += 1;
    });
    await collector.app.listen({ host: '127.0.0.1', port: 0 });
    port = (collector.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => dispose());

  it('answers a request arriving meanwhile 503 with Retry-After and DW_COLLECTOR_SHUTTING_DOWN', async () => {
    const body = JSON.stringify({ predictions: [prediction({ predictionId: 'before-close' })] });
    const socket = connect(port, '127.0.0.1');
    const text = received(socket);
    // An ingest admitted before the shutdown, its body still on the way.
    socket.write(
      `POST /v1/ingest HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    socket.write(body.slice(0, 10));
    while (routed < 1) await new Promise((resolve) => setTimeout(resolve, 5));

    const closed = collector.app.close();
    await refused(port);
    // The rest of the body, then the next request on the same (keep-alive) connection.
    socket.write(body.slice(10));
    socket.write('GET /v1/models HTTP/1.1\r\nhost: localhost\r\n\r\n');

    const [admitted, refusedAnswer, ...more] = answers(await text);
    await closed;
    expect(admitted?.status).toBe(202);
    expect(more).toEqual([]);
    expect(refusedAnswer).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5', connection: 'close' },
    });
    expect(refusedAnswer?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(refusedAnswer?.body ?? '')).toEqual({
      code: 'DW_COLLECTOR_SHUTTING_DOWN',
      message: expect.stringContaining('shutting down') as unknown,
    });
    expect(await count(collector.storage, 'predictions', "prediction_id = 'before-close'")).toBe(1);
  });
});
