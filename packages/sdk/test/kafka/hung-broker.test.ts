/**
 * A broker that accepts connections and never answers (a frozen broker, or a TCP proxy with no
 * live backend), against the real kafkajs: however many sends fail, the transport keeps a bounded
 * number of sockets open and none after shutdown; a send aborted at shutdown leaves nothing that
 * holds the host's process; and once the broker answers again, delivery resumes.
 */
import { createHook } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { getEventListeners } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, expect, it, vi } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import {
  resolveKafkaOptions,
  type KafkaTransportOptions,
} from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import { waitFor } from '../support/net.js';
import { startMokapi } from '../../../../test/helpers/mokapi.js';
import { silentLogger } from './silent-logger.js';

const TOPIC = 'dw-hung.predictions';
/** Short enough for a failed send to take well under a second. */
const FAST_FAILURE = { connectionTimeoutMs: 150, requestTimeoutMs: 150, sendTimeoutMs: 400 };

const silent = silentLogger;

let sequence = 0;
function batch(): TelemetryBatch {
  sequence += 1;
  const prediction: PredictionEvent = {
    predictionId: `hung-${sequence}`,
    model: 'risk',
    modelVersion: '1',
    timeUnixMs: 1_700_000_000_000 + sequence,
    features: { income: 40_000 },
    prediction: 1,
  };
  return { resource: {}, predictions: [prediction], labels: [], logs: [], spans: [], metrics: [] };
}

interface HungBroker {
  readonly address: string;
  readonly port: number;
  /** From now on new connections are piped to the broker on `port`: it answers again. */
  answerFrom(port: number): void;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Accepts connections and neither reads nor answers, as a frozen broker: it never closes its
 * side either, so a connection the SDK only half-closes (`end()`) keeps its socket open.
 */
async function startHungBroker(): Promise<HungBroker> {
  const sockets = new Set<Socket>();
  let upstreamPort: number | undefined;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (upstreamPort === undefined) return;
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    upstream.on('error', () => socket.destroy());
    upstream.once('close', () => socket.destroy());
    socket.once('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  cleanups.push(close);
  return {
    address: `127.0.0.1:${port}`,
    port,
    answerFrom: (target) => {
      upstreamPort = target;
    },
    close,
  };
}

/**
 * The sockets this process connects to `port` and has not closed yet (each holds a file
 * descriptor), seen through Node's `net.client.socket` diagnostics channel.
 */
function clientSocketsTo(port: number): { open(): number } {
  const open = new Set<Socket>();
  const onSocket = (message: unknown): void => {
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => {
      if (socket.remotePort === port && !socket.closed) open.add(socket);
    });
    socket.once('close', () => open.delete(socket));
  };
  subscribe('net.client.socket', onSocket);
  cleanups.push(() => void unsubscribe('net.client.socket', onSocket));
  return { open: () => open.size };
}

function transportTo(broker: string, options: KafkaTransportOptions): Transport {
  const transport = createKafkaTransport(
    resolveKafkaOptions(
      { brokers: [broker], topics: { predictions: TOPIC }, compression: 'none', ...options },
      {},
    ),
    { logger: silent },
  );
  cleanups.push(() => transport.shutdown(100));
  return transport;
}

it('keeps at most two sockets open however many sends fail, and none after shutdown', async () => {
  const hung = await startHungBroker();
  const sockets = clientSocketsTo(hung.port);
  const transport = transportTo(hung.address, FAST_FAILURE);
  const open: number[] = [];
  for (let attempt = 0; attempt < 8; attempt += 1) {
    expect(await transport.send(batch())).toMatchObject({ ok: false, retryable: true });
    open.push(sockets.open());
  }
  // The producer given up on and the next one connecting, at most.
  expect(Math.max(...open), `sockets open after each send: ${open.join(',')}`).toBeLessThan(3);
  await transport.shutdown(100);
  await vi.waitFor(() => expect(sockets.open()).toBe(0));
});

it('leaves neither its deadline timer nor its abort listener once a send is aborted at shutdown', async () => {
  const hung = await startHungBroker();
  // Deadlines far beyond the test: only the abort ends this send.
  const transport = transportTo(hung.address, {
    sendTimeoutMs: 60_000,
    connectionTimeoutMs: 30_000,
    requestTimeoutMs: 30_000,
  });
  const armed = new Set<number>();
  let watching = true;
  const hook = createHook({
    init(id, type) {
      if (watching && type === 'Timeout') armed.add(id);
    },
    destroy(id) {
      armed.delete(id);
    },
  }).enable();
  cleanups.push(() => void hook.disable());
  const abort = new AbortController();
  const sending = transport.send(batch(), abort.signal);
  watching = false;
  expect(armed.size).toBeGreaterThan(0);
  abort.abort();
  expect(await sending).toMatchObject({ ok: false, retryable: true });
  expect(getEventListeners(abort.signal, 'abort')).toEqual([]);
  await transport.shutdown(100);
  // A timer still armed (they are ref'd) would keep the host's process alive after shutdown.
  await vi.waitFor(() => expect(armed.size).toBe(0));
});

it('leaves no listener on the signal of a send that timed out (the pipeline reuses its signal)', async () => {
  const hung = await startHungBroker();
  // kafkajs still waits for the broker when the send's deadline passes.
  const transport = transportTo(hung.address, {
    sendTimeoutMs: 300,
    connectionTimeoutMs: 30_000,
    requestTimeoutMs: 30_000,
  });
  const signal = new AbortController().signal;
  for (let attempt = 0; attempt < 2; attempt += 1)
    expect(await transport.send(batch(), signal)).toMatchObject({ ok: false, retryable: true });
  expect(getEventListeners(signal, 'abort')).toEqual([]);
});

it('delivers again once the broker answers', async () => {
  const mokapi = await startMokapi({ topics: [{ name: TOPIC, signal: 'predictions' }] });
  cleanups.push(() => mokapi.stop());
  const hung = await startHungBroker();
  const transport = transportTo(hung.address, FAST_FAILURE);
  for (let attempt = 0; attempt < 3; attempt += 1)
    expect(await transport.send(batch())).toMatchObject({ ok: false, retryable: true });
  hung.answerFrom(mokapi.port);
  // A producer that connected while the broker was hung may fail first; a fresh one delivers.
  await waitFor(
    'a send to be delivered',
    async () => ((await transport.send(batch())).ok ? true : undefined),
    10_000,
  );
}, 30_000);
