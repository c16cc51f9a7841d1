/**
 * A batch the collector stored whose answer never reached the SDK (a proxy or the network cut
 * the connection on the way back): the SDK sends it again, with the same `idempotency-key`, and
 * the collector stores it once. Real SDK, a real TCP proxy that loses the first ingest answer,
 * a listening collector on embedded ClickHouse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorApp } from '@driftwatch/collector';
import { init, type Monitor } from '@driftwatch/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { count } from '../../collector/test/helpers/temp-storage.js';

interface LossyProxy {
  readonly url: string;
  /** Ingest requests that went through to the collector. */
  readonly ingests: number;
  /** Answers dropped (the client's connection cut instead). */
  readonly lost: number;
  close(): Promise<void>;
}

/** Relays to 127.0.0.1:`port`, but cuts the first ingest request's connection when it is answered. */
async function lossyProxy(port: number): Promise<LossyProxy> {
  const sockets = new Set<Socket>();
  let ingests = 0;
  let lost = 0;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    let awaitingIngestAnswer = false;
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes('POST /v1/ingest')) {
        ingests += 1;
        awaitingIngestAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (awaitingIngestAnswer && lost === 0) {
        lost += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      awaitingIngestAnswer = false;
      client.write(chunk);
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get ingests() {
      return ingests;
    },
    get lost() {
      return lost;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'driftwatch-lost-answer-'));
let collector: CollectorApp & { url: string };
let proxy: LossyProxy;
let monitor: Monitor;

beforeAll(async () => {
  collector = await startCollector({
    port: 0,
    logLevel: 'silent',
    storage: { chdbPath: join(dir, 'data'), database: 'dw_lost_answer' },
  });
  proxy = await lossyProxy(Number(new URL(collector.url).port));
  monitor = init({
    serviceName: 'lost-answer-service',
    transport: { type: 'http', url: proxy.url },
    retry: { initialBackoffMs: 50, maxBackoffMs: 200 },
    metrics: { enabled: false },
    logs: { destination: { write: () => undefined } },
    diagnostics: { destination: { write: () => undefined } },
  });
});

afterAll(async () => {
  await monitor.shutdown({ timeoutMs: 5000 });
  await proxy.close();
  await collector.app.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a batch whose answer was lost is sent again and stored once', async () => {
  await monitor.span('stored-once', async () => {
    monitor.logger.info('logged once');
  });
  await monitor.flush();

  // The first send reached the collector, and its answer was cut; the retry was answered.
  expect(proxy.lost).toBe(1);
  expect(proxy.ingests).toBeGreaterThanOrEqual(2);
  expect(monitor.stats.dropped).toMatchObject({ retry_exhausted: 0, send_failed: 0 });
  const service = "ServiceName = 'lost-answer-service'";
  expect(await count(collector.storage, 'otel_logs', `${service} AND Body = 'logged once'`)).toBe(
    1,
  );
  expect(
    await count(collector.storage, 'otel_traces', `${service} AND SpanName = 'stored-once'`),
  ).toBe(1);
});
