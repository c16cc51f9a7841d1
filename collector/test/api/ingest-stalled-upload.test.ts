/**
 * A client that sends headers and part of a body, then nothing: its request is answered 408 and
 * its connection closed after `requestTimeoutMs`, freeing its ingest place, also while the
 * collector shuts down (so `close()` does not wait for it forever).
 */
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { openTempStorage } from '../helpers/temp-storage.js';
import { prediction } from '../helpers/events.js';

const REQUEST_TIMEOUT_MS = 1000;

/**
 * Sends headers announcing 1000 bytes and the start of a body, then nothing. Resolves with what
 * the server sent before it closed the connection, or 'open' after `ms`.
 */
function stalledUpload(port: number, ms: number, gzip = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, ms);
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    const start = '{"predictions": [';
    socket.write(
      `POST /v1/ingest HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n${gzip ? 'content-encoding: gzip\r\n' : ''}content-length: 1000\r\n\r\n`,
    );
    socket.write(gzip ? gzipSync(start.repeat(100)).subarray(0, 40) : start);
  });
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe('POST /v1/ingest with a stalled upload', () => {
  let collector: CollectorApp;
  let port: number;
  let dispose: () => Promise<void>;
  let reading = 0;
  const admitted = async (count: number) => {
    while (reading < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  beforeAll(async () => {
    const temp = await openTempStorage('dw_stalled_upload');
    dispose = temp.dispose;
    collector = await buildApp({
      storageInstance: temp.storage,
      logLevel: 'silent',
      maxConcurrentIngests: 1,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    // Runs after admission (onRequest): the request holds its place and its body is being read.
    collector.app.addHook('preParsing', async (request, _reply, payload) => {
      if (request.url === '/v1/ingest') reading += 1;
      return payload;
    });
    await collector.app.listen({ host: '127.0.0.1', port: 0 });
    port = (collector.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await within(collector.app.close(), 5000);
    await dispose();
  });

  const post = () =>
    collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ predictions: [prediction()] }),
    });

  it('answers 408 and frees the place of a request whose body stopped coming', async () => {
    const before = reading;
    const answer = stalledUpload(port, 5000);
    await admitted(before + 1);
    // The stalled request holds the only place meanwhile.
    expect((await post()).statusCode).toBe(429);
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"DW_COLLECTOR_REQUEST_TIMEOUT"');
    expect((await post()).statusCode).toBe(202);
  });

  it('answers 408 to a stalled gzip upload too', async () => {
    const text = await stalledUpload(port, 5000, true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect((await post()).statusCode).toBe(202);
  });

  it('ends a stalled upload while shutting down, so close() completes', async () => {
    const before = reading;
    const answer = stalledUpload(port, 5000);
    await admitted(before + 1);
    const started = Date.now();
    expect(await within(collector.app.close(), 3000)).not.toBe('pending');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
