/**
 * The HTTP transport against a real local node:http receiver: gzip, token, retries, splits, drops.
 * Just over 500 lines: each case is one answer of the collector to the same receiver, monitor and
 * diagnostics set up once; its URL, readiness and protocol cases have files of their own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type DriftwatchOptions, type Monitor } from '../../src/index.js';
import { BatchJsonWriter } from '../../src/transport/batch-json.js';
import {
  startIngestReceiver,
  receivedItems,
  type IngestReceiver,
} from '../support/ingest-receiver.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { freePort, waitFor } from '../support/net.js';

let receiver: IngestReceiver;
let monitor: Monitor | undefined;
let diagnostics: LogCapture;

beforeEach(async () => {
  receiver = await startIngestReceiver();
  diagnostics = captureLogs();
});
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  await receiver.close();
});

function start(options: DriftwatchOptions = {}, url = receiver.url): Monitor {
  monitor = init(
    {
      serviceName: 'http-test',
      transport: { type: 'http', url, token: 's3cret-token', gzipMinBytes: 0, gzipLevel: 1 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: diagnostics.destination },
      metrics: { enabled: false },
      traces: { enabled: false },
      batch: { lingerMs: 60_000 },
      retry: { initialBackoffMs: 5, maxBackoffMs: 20, deadlineMs: 10_000 },
      ...options,
    },
    {},
  );
  return monitor;
}

function predict(
  target: Monitor,
  count: number,
  features: Record<string, number> = { x: 1 },
): string[] {
  return Array.from({ length: count }, (_, i) =>
    target.logPrediction({
      model: 'm',
      modelVersion: '1',
      features,
      prediction: i,
      predictionId: `p-${i}`,
    }),
  );
}

describe('HTTP transport', () => {
  it('POSTs gzip JSON batches to /v1/ingest with the bearer token', async () => {
    const target = start();
    predict(target, 3);
    target.logLabel('p-0', 1);
    await target.flush();
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/ingest');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer s3cret-token');
    expect(request?.batch.resource['service.name']).toBe('http-test');
    expect(request?.batch.predictions.map((p) => p.predictionId)).toEqual(['p-0', 'p-1', 'p-2']);
    expect(request?.batch.labels).toEqual([
      { predictionId: 'p-0', label: 1, timeUnixMs: expect.any(Number) },
    ]);
    expect(target.stats).toMatchObject({ sentItems: 4, sentBatches: 1, exportErrors: 0 });
  });

  it('sends small bodies uncompressed below gzipMinBytes', async () => {
    const target = start({
      transport: { type: 'http', url: receiver.url, gzipMinBytes: 1_000_000 },
    });
    predict(target, 1);
    await target.flush();
    expect(receiver.requests[0]?.headers['content-encoding']).toBeUndefined();
    expect(receiver.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends uncompressed with gzipLevel 0', async () => {
    const target = start({
      transport: { type: 'http', url: receiver.url, gzipMinBytes: 0, gzipLevel: 0 },
    });
    predict(target, 2);
    await target.flush();
    expect(receiver.requests[0]?.headers['content-encoding']).toBeUndefined();
    expect(receiver.requests[0]?.batch.predictions).toHaveLength(2);
  });

  it('encodes a batch once for all its retries, which carry its one idempotency-key', async () => {
    receiver.respondWith((_request, index) => (index < 2 ? { status: 503 } : { status: 200 }));
    const target = start();
    predict(target, 2);
    const encode = vi.spyOn(BatchJsonWriter.prototype, 'encode');
    let batchEncodings: number;
    try {
      await target.flush();
      batchEncodings = encode.mock.calls.length;
    } finally {
      encode.mockRestore();
    }
    expect(receiver.requests).toHaveLength(3);
    expect(batchEncodings).toBe(1);
    const keys = new Set(receiver.requests.map((request) => request.headers['idempotency-key']));
    expect([...keys]).toEqual([expect.stringMatching(/^"[0-9a-f-]{36}"$/)]);
    predict(target, 1);
    await target.flush();
    expect(receiver.requests[3]?.headers['idempotency-key']).not.toBe([...keys][0]);
  });

  it('honours 429 Retry-After', async () => {
    receiver.respondWith((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"slow down"}' }
        : { status: 200 },
    );
    const target = start({ retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 10_000 } });
    predict(target, 2);
    await target.flush();
    expect(receiver.requests).toHaveLength(2);
    const [first, second] = receiver.requests;
    // Backoff alone would wait at most 1 ms; the server asked for 1 s.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(second?.batch.predictions).toHaveLength(2);
    expect(target.stats).toMatchObject({ sentItems: 2, exportErrors: 1 });
  });

  it('drops at once when Retry-After is past the retry deadline', async () => {
    receiver.respondWith(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const target = start({ retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 1000 } });
    predict(target, 2);
    await target.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(target.stats.dropped.retry_exhausted).toBe(2);
  });

  it('retries 5xx and 408 (a proxy timed the upload out) with backoff until delivered', async () => {
    receiver.respondWith((_request, index) =>
      index < 3 ? { status: [503, 500, 408][index]! } : { status: 200 },
    );
    const target = start();
    predict(target, 3);
    await target.flush();
    expect(receiver.requests).toHaveLength(4);
    expect(receiver.requests.map((request) => request.batch.predictions.length)).toEqual([
      3, 3, 3, 3,
    ]);
    expect(target.stats).toMatchObject({ sentItems: 3, exportErrors: 3 });
    expect(target.stats.dropped.send_failed).toBe(0);
  });

  it('gives up on 5xx at the retry deadline and counts retry_exhausted', async () => {
    receiver.respondWith(() => ({ status: 502 }));
    const target = start({ retry: { initialBackoffMs: 10, maxBackoffMs: 40, deadlineMs: 300 } });
    predict(target, 2);
    await target.flush();
    expect(receiver.requests.length).toBeGreaterThan(1);
    expect(target.stats.dropped.retry_exhausted).toBe(2);
    // Every failed attempt is an export error; the last may be cut at the deadline before its
    // body reached the receiver.
    expect(target.stats.exportErrors).toBeGreaterThanOrEqual(receiver.requests.length);
    expect(target.stats.exportErrors).toBeLessThanOrEqual(receiver.requests.length + 1);
  });

  it('does not retry 400', async () => {
    receiver.respondWith(() => ({ status: 400, body: '{"error":"bad batch"}' }));
    const target = start();
    predict(target, 2);
    await target.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(target.stats.dropped.send_failed).toBe(2);
    expect(target.stats.exportErrors).toBe(1);
    const error = diagnostics.lines.find((line) => line.level === 50);
    expect(String(error?.msg)).toContain('HTTP 400');
  });

  it('splits a batch answered with 413 until it fits', async () => {
    receiver.respondWith((request) =>
      request.batch.predictions.length > 2 ? { status: 413 } : { status: 200 },
    );
    const target = start();
    predict(target, 5);
    await target.flush();
    const delivered = receiver.requests.filter((request) => request.batch.predictions.length <= 2);
    expect(
      delivered.flatMap((request) => request.batch.predictions.map((p) => p.predictionId)).sort(),
    ).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
    expect(target.stats.sentItems).toBe(5);
    expect(target.stats.dropped.too_large).toBe(0);
  });

  it('drops a single item that is still too large, and says so (once a minute)', async () => {
    receiver.respondWith(() => ({ status: 413 }));
    const target = start();
    predict(target, 2);
    await target.flush();
    expect(target.stats.dropped.too_large).toBe(2);
    expect(target.stats.sentItems).toBe(0);
    const reports = diagnostics.lines.filter((line) => String(line.msg).includes('too large'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 40, dropped: 1 });
    expect(String(reports[0]?.msg)).toContain('too large for the http destination');
  });

  it('counts items the collector rejected (202) without retrying them', async () => {
    receiver.respondWith(() => ({
      status: 202,
      body: JSON.stringify({
        accepted: 2,
        rejected: [
          {
            signal: 'predictions',
            index: 1,
            issues: [{ path: '/features/x', message: 'too big' }],
          },
        ],
      }),
    }));
    const target = start();
    predict(target, 3);
    await target.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(target.stats.sentItems).toBe(2);
    expect(target.stats.dropped.rejected).toBe(1);
    expect(
      diagnostics.lines.some((line) =>
        String(line.msg).includes('predictions[1] /features/x: too big'),
      ),
    ).toBe(true);
  });

  it('counts a batch the collector refused whole (400 DW_COLLECTOR_BAD_EVENT) as rejected items', async () => {
    receiver.respondWith(() => ({
      status: 400,
      body: JSON.stringify({
        code: 'DW_COLLECTOR_BAD_EVENT',
        message: 'no valid item in the batch',
        accepted: { predictions: 0 },
        rejected: [
          { signal: 'predictions', index: 0, issues: [{ path: '/timeUnixMs', message: 'late' }] },
          { signal: 'predictions', index: 1, issues: [{ path: '/timeUnixMs', message: 'late' }] },
        ],
      }),
    }));
    const target = start();
    predict(target, 2);
    await target.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(target.stats.dropped.rejected).toBe(2);
    expect(target.stats.dropped.send_failed).toBe(0);
    expect(target.stats.exportErrors).toBe(0);
    expect(target.stats.sentItems).toBe(0);
    expect(
      diagnostics.lines.some((line) =>
        String(line.msg).includes('rejected 2 item(s); first: predictions[0] /timeUnixMs: late'),
      ),
    ).toBe(true);
  });

  it('counts rejected items the collector did not list (rejectedTotal beyond a capped list)', async () => {
    receiver.respondWith(() => ({
      status: 202,
      body: JSON.stringify({
        accepted: { predictions: 1 },
        rejected: [{ signal: 'predictions', index: 0, issues: [{ path: '/x', message: 'bad' }] }],
        rejectedTotal: 3,
      }),
    }));
    const target = start();
    predict(target, 4);
    await target.flush();
    expect(target.stats.dropped.rejected).toBe(3);
    expect(target.stats.sentItems).toBe(1);
  });

  it('reports rejected items once a minute with a count, not once per batch', async () => {
    // A collector whose schema refuses a field the SDK sends (a version skew): every batch.
    receiver.respondWith(() => ({
      status: 202,
      body: JSON.stringify({
        accepted: { predictions: 1 },
        rejected: [{ signal: 'predictions', index: 0, issues: [{ path: '/x', message: 'bad' }] }],
        rejectedTotal: 1,
      }),
    }));
    const target = start({ batch: { maxItems: 2, lingerMs: 60_000 } });
    predict(target, 6);
    await target.flush();
    expect(receiver.requests).toHaveLength(3);
    expect(target.stats.dropped.rejected).toBe(3);
    expect(target.stats.sentItems).toBe(3);
    const reports = diagnostics.lines.filter((line) => String(line.msg).includes('rejected'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 40, rejected: 1 });
  });

  it('the next report counts every item rejected since the last one, across batches', async () => {
    receiver.respondWith(() => ({
      status: 202,
      body: JSON.stringify({
        accepted: { predictions: 1 },
        rejected: [{ signal: 'predictions', index: 0, issues: [{ path: '/x', message: 'bad' }] }],
        rejectedTotal: 1,
      }),
    }));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const target = start({ batch: { maxItems: 2, lingerMs: 60_000 } });
      predict(target, 6);
      await target.flush();
      // A minute later, one more batch: the report stands for the two held batches and it.
      vi.setSystemTime(Date.now() + 61_000);
      predict(target, 2);
      await target.flush();
      const reports = diagnostics.lines.filter((line) => String(line.msg).includes('rejected'));
      expect(reports.map((line) => [line.rejected, line.batches])).toEqual([
        [1, 1],
        [3, 3],
      ]);
      expect(String(reports[1]!.msg)).toContain(
        "rejected 3 item(s); latest batch's first: predictions[0] /x: bad (3 batches with rejected items since the last report)",
      );
      expect(target.stats.dropped.rejected).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  describe('bounded queue', () => {
    it('drops the oldest items when full by count', async () => {
      const target = start({ queue: { maxItems: 3, dropPolicy: 'drop-oldest' } });
      predict(target, 5);
      expect(target.stats.dropped.queue_full).toBe(2);
      await target.flush();
      expect(receivedItems(receiver, 'predictions').map((p) => p.predictionId)).toEqual([
        'p-2',
        'p-3',
        'p-4',
      ]);
    });

    it('drops the newest items when full by count', async () => {
      const target = start({ queue: { maxItems: 3, dropPolicy: 'drop-newest' } });
      predict(target, 5);
      expect(target.stats.dropped.queue_full).toBe(2);
      await target.flush();
      expect(receivedItems(receiver, 'predictions').map((p) => p.predictionId)).toEqual([
        'p-0',
        'p-1',
        'p-2',
      ]);
    });

    it('is bounded by bytes too', async () => {
      // 10 features ≈ 680 estimated bytes each: one fits in 1024 bytes, two do not.
      const features = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, i]));
      const oldest = start({ queue: { maxBytes: 1024, dropPolicy: 'drop-oldest' } });
      predict(oldest, 3, features);
      expect(oldest.stats.dropped.queue_full).toBe(2);
      await oldest.flush();
      expect(receivedItems(receiver, 'predictions').map((p) => p.predictionId)).toEqual(['p-2']);
      await oldest.shutdown({ timeoutMs: 1000 });

      receiver.requests.length = 0;
      const newest = start({ queue: { maxBytes: 1024, dropPolicy: 'drop-newest' } });
      predict(newest, 3, features);
      expect(newest.stats.dropped.queue_full).toBe(2);
      await newest.flush();
      expect(receivedItems(receiver, 'predictions').map((p) => p.predictionId)).toEqual(['p-0']);
    });
  });

  describe('shutdown', () => {
    it('flushes what is queued', async () => {
      const target = start();
      predict(target, 4);
      await target.shutdown({ timeoutMs: 5000 });
      expect(receivedItems(receiver, 'predictions')).toHaveLength(4);
      expect(target.stats.dropped.shutdown).toBe(0);
    });

    it('returns by its deadline when the destination hangs, dropping with reason shutdown', async () => {
      receiver.respondWith(() => ({ status: 200, hang: true }));
      const target = start();
      predict(target, 4);
      const startedAt = Date.now();
      await target.shutdown({ timeoutMs: 300 });
      // Generous bound: the point is that it returns instead of waiting for the 10 s HTTP timeout.
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect(receiver.requests).toHaveLength(1);
      expect(target.stats.dropped.shutdown).toBe(4);
      expect(target.stats.sentItems).toBe(0);
      // After shutdown nothing is queued any more: counted, never thrown.
      expect(() => predict(target, 1)).not.toThrow();
      expect(target.stats.dropped.shutdown).toBe(5);
    });
  });

  it('never rejects when the destination is down, and counts what it lost', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => {
      rejections.push(reason);
    };
    process.on('unhandledRejection', onRejection);
    try {
      const target = start(
        {
          retry: { initialBackoffMs: 5, maxBackoffMs: 10, deadlineMs: 200 },
          batch: { maxItems: 2, lingerMs: 10 },
        },
        `http://127.0.0.1:${await freePort()}`,
      );
      predict(target, 10);
      target.logLabel('p-1', 0);
      await target.flush();
      await target.shutdown({ timeoutMs: 500 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
      expect(target.stats.exportErrors).toBeGreaterThan(0);
      expect(target.stats.sentItems).toBe(0);
      const { retry_exhausted: exhausted, shutdown } = target.stats.dropped;
      expect(exhausted + shutdown).toBe(11);
      expect(await target.readiness()).toMatchObject({ ready: false });
      const warnings = diagnostics.lines.filter((line) => line.level === 40);
      expect(warnings.length).toBe(1);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('is ready once the collector answered its /health probe, before any batch', async () => {
    const target = start();
    await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
    expect(receiver.requests).toHaveLength(0);
  });

  it('is not ready while the collector is down at start-up, ready once it comes up', async () => {
    // Down: every connection is reset (no port is given up and taken again, which could race).
    let up = false;
    const collector = createServer((request, response) => {
      if (!up) {
        request.socket.destroy();
        return;
      }
      response.writeHead(request.url === '/health' ? 200 : 404).end('{}');
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const target = start({}, `http://127.0.0.1:${port}`);
    try {
      // A few probes (one per second at most, while readiness is asked) all fail.
      for (let i = 0; i < 12; i += 1) {
        expect((await target.readiness()).ready).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      up = true;
      await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
    } finally {
      await target.shutdown({ timeoutMs: 500 });
      collector.closeAllConnections();
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it('a collector that answers 503 to /health is not ready', async () => {
    receiver.healthStatus(503);
    const target = start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await target.readiness()).ready).toBe(false);
  });

  it('logPrediction with invalid input never throws and counts invalid', async () => {
    const target = start();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const calls: Array<() => unknown> = [
      () =>
        target.logPrediction({
          model: 'm',
          modelVersion: '1',
          features: { nested: { a: 1 } as never },
          prediction: 1,
        }),
      () =>
        target.logPrediction({
          model: 'm',
          modelVersion: '1',
          features: null as never,
          prediction: 1,
        }),
      () =>
        target.logPrediction({
          model: 'm',
          modelVersion: '1',
          features: { x: 1n as never },
          prediction: 1,
        }),
      () => target.logPrediction({ model: '', modelVersion: '1', features: {}, prediction: 1 }),
      () =>
        target.logPrediction({
          model: 'm',
          modelVersion: '1',
          features: { x: 1 },
          prediction: { class: 1 } as never,
        }),
      () => target.logPrediction(undefined as never),
      () => target.logPrediction(hostile as never),
      () => target.logLabel('p-1', { wrong: true } as never),
    ];
    for (const call of calls) expect(call).not.toThrow();
    expect(typeof target.logPrediction(undefined as never)).toBe('string');
    expect(target.stats.dropped.invalid).toBe(calls.length + 1);
    await target.flush();
    expect(receiver.requests).toHaveLength(0);
    const warnings = diagnostics.lines.filter((line) => line.level === 40);
    expect(warnings.length).toBeGreaterThan(0);
    expect(String(warnings[0]?.msg)).toContain('dropped an invalid predictions item');
  });
});
