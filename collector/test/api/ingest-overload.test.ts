/**
 * Ingest while ClickHouse is stalled or gone: a bounded number of requests is held (the rest are
 * answered 429 before their body is read), and a batch storage could not take is answered 503;
 * both carry Retry-After, which the SDK's HTTP transport honours.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerIngestRoute } from '../../src/api/ingest-route.js';
import { registerErrorHandler } from '../../src/api/error-handler.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { logRecord, prediction } from '../helpers/events.js';

/** An HTTP server that takes requests and never answers: ClickHouse stalled. */
function stalledServer(): { server: Server; received: () => number; sockets: Set<Socket> } {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer(() => {
    received += 1;
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return { server, received: () => received, sockets };
}

function serverStorage(url: string): Storage {
  const client = createClient({ url, log: { level: ClickHouseLogLevel.OFF } });
  return {
    client,
    database: 'dw_overload',
    kind: 'server',
    table: (name) => `\`dw_overload\`.\`${name}\``,
    close: () => client.close(),
  };
}

/** A stalled ClickHouse server and an ingest route storing into it, admitting `maxConcurrentIngests`. */
async function stalledIngestApp(
  stalled: ReturnType<typeof stalledServer>,
  maxConcurrentIngests: number,
): Promise<{ storage: Storage; app: FastifyInstance }> {
  await new Promise<void>((resolve) => stalled.server.listen(0, '127.0.0.1', resolve));
  const { port } = stalled.server.address() as AddressInfo;
  const storage = serverStorage(`http://127.0.0.1:${port}`);
  const app = Fastify({ logger: false });
  registerErrorHandler(app);
  registerIngestRoute(app, { writer: new EventWriter(storage), maxConcurrentIngests });
  return { storage, app };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The answer's status, or 'held' when none came within `ms` (the request was admitted). */
async function statusWithin(
  answer: Promise<{ statusCode: number }>,
  ms: number,
): Promise<number | 'held'> {
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<'held'>((resolve) => {
    timer = setTimeout(() => resolve('held'), ms);
  });
  try {
    return await Promise.race([answer.then((response) => response.statusCode), held]);
  } finally {
    clearTimeout(timer);
  }
}

describe('POST /v1/ingest under overload and with storage down', () => {
  const stalled = stalledServer();
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ storage, app } = await stalledIngestApp(stalled, 2));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    stalled.server.closeAllConnections();
    await new Promise((resolve) => stalled.server.close(resolve));
  });

  const post = () =>
    app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ predictions: [prediction()] }),
    });

  it('answers 429 with Retry-After past the bound, and 503 with Retry-After when storage fails', async () => {
    const held = [post(), post()];
    await until(() => stalled.received() === 2);

    const refused = await post();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().code).toBe('DW_COLLECTOR_OVERLOADED');

    // ClickHouse goes away: the held batches fail, are answered 503, and free their places.
    for (const socket of stalled.sockets) socket.destroy();
    for (const response of await Promise.all(held)) {
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().code).toBe('DW_COLLECTOR_STORAGE_FAILED');
    }
    const received = stalled.received();
    const next = post();
    await until(() => stalled.received() === received + 1);
    for (const socket of stalled.sockets) socket.destroy();
    expect((await next).statusCode).toBe(503);
  });

  it('frees its place after every kind of answer', async () => {
    for (let i = 0; i < 5; i += 1) {
      const invalid = await app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { 'content-type': 'application/json' },
        payload: i % 2 === 0 ? '{"predictions": [' : JSON.stringify({ predictions: [{}] }),
      });
      expect(invalid.statusCode).toBe(400);
    }
  });
});

describe('POST /v1/ingest when a client gives up on a slow write', () => {
  const stalled = stalledServer();
  let storage: Storage;
  let app: FastifyInstance;
  let url: URL;
  const connections = new Set<Socket>();
  beforeAll(async () => {
    ({ storage, app } = await stalledIngestApp(stalled, 1));
    url = new URL(`${await app.listen({ host: '127.0.0.1', port: 0 })}/v1/ingest`);
    app.server.on('connection', (socket: Socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
    });
  });
  afterAll(async () => {
    for (const socket of stalled.sockets) socket.destroy();
    await app.close();
    await storage.close();
    stalled.server.closeAllConnections();
    await new Promise((resolve) => stalled.server.close(resolve));
  });

  const body = () => JSON.stringify({ predictions: [prediction()] });
  const post = () =>
    app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'application/json' },
      payload: body(),
    });

  /** Sends a batch over a connection, closed once storage has the insert: an SDK timing out. */
  async function postAndGiveUp(): Promise<void> {
    const received = stalled.received();
    const client = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    client.on('error', () => {});
    client.end(body());
    await until(() => stalled.received() === received + 1);
    client.destroy();
    await until(() => connections.size === 0);
  }

  it('holds the place until the abandoned write settles, not until the client leaves', async () => {
    await postAndGiveUp();
    // The write the client gave up on still runs: a retry is refused, not a second insert.
    expect(await statusWithin(post(), 500)).toBe(429);
    expect(stalled.received()).toBe(1);

    // Storage fails the abandoned insert: its place is free again, once.
    for (const socket of stalled.sockets) socket.destroy();
    await until(() => stalled.sockets.size === 0);
    const next = post();
    await until(() => stalled.received() === 2);
    expect(await statusWithin(post(), 500)).toBe(429);
    for (const socket of stalled.sockets) socket.destroy();
    expect((await next).statusCode).toBe(503);
  });
});

describe('POST /v1/ingest when one signal’s insert fails while another still runs', () => {
  /** ClickHouse refusing inserts into otel_logs at once and holding those into predictions. */
  let heldInserts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const query = new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    if (query.includes('otel_logs')) {
      request.resume();
      response.writeHead(500, { 'x-clickhouse-exception-code': '60' });
      response.end('Code: 60. DB::Exception: Unknown table otel_logs. (UNKNOWN_TABLE)');
      return;
    }
    heldInserts += 1;
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let storage: Storage;
  let app: FastifyInstance;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    storage = serverStorage(`http://127.0.0.1:${port}`);
    app = Fastify({ logger: false });
    registerErrorHandler(app);
    registerIngestRoute(app, { writer: new EventWriter(storage), maxConcurrentIngests: 1 });
    await app.ready();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await app.close();
    await storage.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (batch: object) =>
    app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(batch),
    });

  it('answers once every insert of the batch has settled, holding its place until then', async () => {
    const first = post({ predictions: [prediction()], logs: [logRecord] });
    await until(() => heldInserts === 1);
    // The logs insert has failed; the predictions insert still runs: no answer yet (a 503 now
    // had the SDK resend while it ran), and the place stays taken.
    expect(await statusWithin(first, 500)).toBe('held');
    expect((await post({ predictions: [prediction()] })).statusCode).toBe(429);

    for (const socket of sockets) socket.destroy();
    const answer = await first;
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json().message).toContain('otel_logs');
  });
});
