/**
 * Each send attempt is bounded by the batch's retry deadline: a custom transport whose send never
 * settles, or an HTTP request whose own timeout is longer, costs its batch (`retry_exhausted`),
 * not the pipeline. A send still in flight when shutdown's time is up is counted `shutdown`,
 * once, whatever it answers later.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { settleWithin } from '../../src/pipeline/deadline.js';
import type { SendResult, Transport } from '../../src/transport/transport.js';
import { captureLogs } from '../support/log-capture.js';
import { testPipeline } from '../support/test-pipeline.js';

const label = (n: number) => ({ predictionId: `p-${n}`, label: 1, timeUnixMs: 1 });

/** 'settled' when `work` settles first, 'hung' after `ms` (only tells a hang from a return). */
const settlesWithin = (work: Promise<unknown>, ms: number): Promise<'settled' | 'hung'> =>
  settleWithin(
    work.then(() => 'settled' as const),
    ms,
    'hung' as const,
  );

/** A transport whose sends never settle by themselves; `answer` settles the ones made so far. */
function hanging(): {
  transport: Transport;
  signals: AbortSignal[];
  answer(result: SendResult): void;
} {
  const signals: AbortSignal[] = [];
  const pending: Array<(result: SendResult) => void> = [];
  return {
    signals,
    answer: (result) => {
      for (const resolve of pending.splice(0)) resolve(result);
    },
    transport: {
      name: 'hanging',
      send: (_batch, signal) =>
        new Promise<SendResult>((resolve) => {
          if (signal) signals.push(signal);
          pending.push(resolve);
        }),
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    },
  };
}

let server: Server | undefined;
let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 200 });
  monitor = undefined;
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

describe('send attempts within the retry deadline', () => {
  it('drops a batch whose send never settles as retry_exhausted at its deadline', async () => {
    const { transport, signals } = hanging();
    const { pipeline, diagnostics } = testPipeline(
      { batch: { lingerMs: 10 }, retry: { deadlineMs: 200 } },
      transport,
    );
    for (let n = 0; n < 3; n += 1) pipeline.enqueue('labels', label(n), 100);
    expect(await settlesWithin(pipeline.flush(), 10_000)).toBe('settled');
    expect(pipeline.stats.dropped.retry_exhausted).toBe(3);
    expect(pipeline.stats.sentItems).toBe(0);
    expect(pipeline.stats.exportErrors).toBe(1);
    // The transport is told to stop (the HTTP transport cancels its request).
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    const warning = diagnostics.lines.find((line) => line.level === 40);
    expect(String(warning?.msg)).toContain('retry.deadlineMs');
    // The pipeline goes on: the next batch is sent.
    pipeline.enqueue('labels', label(9), 100);
    const next = settlesWithin(pipeline.flush(), 10_000);
    await vi.waitFor(() => expect(signals).toHaveLength(2));
    await pipeline.shutdown(0);
    expect(await next).toBe('settled');
  });

  it('bounds an HTTP request whose transport.timeoutMs is longer than retry.deadlineMs', async () => {
    // A collector that takes the request and never answers (nor its /health probe).
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    monitor = init(
      {
        transport: { type: 'http', url: `http://127.0.0.1:${port}`, timeoutMs: 60_000 },
        retry: { deadlineMs: 300 },
        batch: { lingerMs: 10 },
        metrics: { enabled: false },
        traces: { enabled: false },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: captureLogs().destination },
      },
      {},
    );
    monitor.logLabel('p-1', 1);
    monitor.logLabel('p-2', 1);
    expect(await settlesWithin(monitor.flush(), 10_000)).toBe('settled');
    expect(monitor.stats.dropped.retry_exhausted).toBe(2);
  });

  it('counts a batch still in flight at shutdown as "shutdown", once, whatever it answers later', async () => {
    const { transport, signals, answer } = hanging();
    const { pipeline } = testPipeline({ batch: { lingerMs: 10 } }, transport);
    for (let n = 0; n < 5; n += 1) pipeline.enqueue('labels', label(n), 100);
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    for (let n = 5; n < 8; n += 1) pipeline.enqueue('labels', label(n), 100);
    await pipeline.shutdown(100);
    expect(pipeline.stats.dropped.shutdown).toBe(8);
    // The abandoned send answers after all: nothing more is counted.
    answer({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pipeline.stats.sentItems).toBe(0);
    expect(pipeline.stats.dropped.shutdown).toBe(8);
    expect(pipeline.stats.dropped.retry_exhausted).toBe(0);
  });
});
