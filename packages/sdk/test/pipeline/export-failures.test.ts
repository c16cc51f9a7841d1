/**
 * The export path when the destination misbehaves, against a real local HTTP receiver: a flush
 * during a retry wait holds the process, Retry-After pauses every batch (never a tight loop), a
 * malformed 202 cannot break the accounting, a 404 /health is not ready, shutdown keeps its
 * deadline with a transport that ignores the abort, and a token Node cannot send fails at init.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  init,
  SdkErrorCodes,
  type DriftwatchOptions,
  type Monitor,
  type Transport,
} from '../../src/index.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';

let receiver: IngestReceiver;
let diagnostics: LogCapture;
let monitor: Monitor | undefined;

beforeEach(async () => {
  receiver = await startIngestReceiver();
  diagnostics = captureLogs();
});
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 500 });
  monitor = undefined;
  await receiver.close();
});

function start(options: DriftwatchOptions = {}): Monitor {
  monitor = init(
    {
      serviceName: 'export-failures',
      transport: { type: 'http', url: receiver.url },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: diagnostics.destination },
      metrics: { enabled: false },
      traces: { enabled: false },
      ...options,
    },
    {},
  );
  return monitor;
}

function predict(target: Monitor, count: number, from = 0): void {
  for (let i = from; i < from + count; i += 1) {
    target.logPrediction({
      model: 'm',
      modelVersion: '1',
      features: { x: i },
      prediction: 1,
      predictionId: `p-${i}`,
    });
  }
}

describe('export failures', () => {
  it('a flush that begins during a retry wait holds the process until delivery', async () => {
    receiver.respondWith((_request, index) =>
      index === 0 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../support/flush-child.ts', import.meta.url)),
        receiver.url,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(output).toContain('flushed sentItems=1');
    expect(code).toBe(0);
    expect(receiver.requests).toHaveLength(2);
  });

  it('"Retry-After: 0" or an invalid value leaves the backoff in charge: no tight loop', async () => {
    for (const retryAfter of ['0', '-1', 'soon']) {
      receiver.respondWith(() => ({ status: 503, headers: { 'retry-after': retryAfter } }));
      const target = start({
        batch: { maxItems: 1, lingerMs: 10 },
        retry: { initialBackoffMs: 100, maxBackoffMs: 100, deadlineMs: 60_000 },
      });
      const before = receiver.requests.length;
      predict(target, 1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Backoff in [0, 100) ms: about 20 attempts a second, not hundreds.
      expect(receiver.requests.length - before).toBeLessThan(60);
      expect(receiver.requests.length - before).toBeGreaterThan(2);
      await target.shutdown({ timeoutMs: 200 });
      monitor = undefined;
    }
  });

  it('a long Retry-After holds every following batch, not only the one it answered', async () => {
    receiver.respondWith(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const target = start({
      batch: { maxItems: 1, lingerMs: 10 },
      retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 300 },
    });
    predict(target, 1);
    await waitFor('the first answer', () => (receiver.requests.length > 0 ? true : undefined));
    predict(target, 5, 1);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.requests).toHaveLength(1);
    expect(target.stats.dropped.retry_exhausted).toBeGreaterThanOrEqual(2);
  });

  it('a malformed 202 rejection list counts only real items of the batch', async () => {
    receiver.respondWith(() => ({
      status: 202,
      body: JSON.stringify({
        rejected: [
          1,
          {},
          { signal: 'predictions', index: 99 },
          { signal: 'nonsense', index: 0 },
          { signal: 'predictions', index: 1, issues: [{ path: '/x', message: 'bad x' }, 7] },
          { signal: 'predictions', index: 1 },
        ],
      }),
    }));
    const target = start({ batch: { lingerMs: 60_000 } });
    predict(target, 3);
    await target.flush();
    expect(target.stats.sentItems).toBe(2);
    expect(target.stats.dropped.rejected).toBe(1);
    const text = diagnostics.raw.join('');
    expect(text).not.toContain('export loop failed');
    expect(text).toContain('predictions[1] /x: bad x');
  });

  it('a collector URL whose /health answers 404 is not ready', async () => {
    receiver.healthStatus(404);
    const target = start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await target.readiness()).ready).toBe(false);
  });

  it('reports non-retryable failures once a minute, not once per batch', async () => {
    receiver.respondWith(() => ({ status: 400, body: '{"error":"bad"}' }));
    const target = start({ batch: { maxItems: 1, lingerMs: 10 } });
    predict(target, 5);
    await target.flush();
    expect(target.stats.dropped.send_failed).toBe(5);
    const errors = diagnostics.lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
  });

  it('shutdown keeps its deadline with a custom transport that ignores the abort', async () => {
    const stuck: Transport = {
      name: 'stuck',
      send: () => new Promise(() => undefined),
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    };
    const target = start({ transport: stuck, batch: { lingerMs: 10 } });
    predict(target, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await target.shutdown({ timeoutMs: 500 });
    monitor = undefined;
    expect(Date.now() - began).toBeLessThan(1500);
  });

  it('a custom transport whose send() answers nothing: the batch is counted as failed and reported', async () => {
    const silent = {
      name: 'silent',
      send: () => Promise.resolve(undefined),
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    } as unknown as Transport;
    const target = start({ transport: silent, batch: { lingerMs: 10 } });
    predict(target, 3);
    await target.flush();
    expect(target.stats.dropped.send_failed).toBe(3);
    expect(target.stats.exportErrors).toBe(1);
    const error = diagnostics.lines.find((line) => line.level === 50);
    expect(String(error?.msg)).toContain('transport silent answered send() with undefined');
  });

  it('a custom transport without a name is called custom in the diagnostics', async () => {
    // The README's shape: send, isReady and shutdown, no name.
    const unnamed: Transport = {
      send: () => Promise.resolve({ ok: false, retryable: false, error: undefined as never }),
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    };
    const target = start({ transport: unnamed, batch: { lingerMs: 10 } });
    predict(target, 2);
    await target.flush();
    expect(target.stats.dropped.send_failed).toBe(2);
    const error = diagnostics.lines.find((line) => line.level === 50);
    expect(String(error?.msg)).toContain(
      'transport custom answered { ok: false } without an error',
    );
  });

  it('a token that Node cannot send in a header fails at init, naming the option only', () => {
    expect(() =>
      init({ transport: { type: 'http', url: receiver.url, token: 'tok€n' } }, {}),
    ).toThrow(
      expect.objectContaining({
        code: SdkErrorCodes.INVALID_OPTION,
        message: expect.not.stringContaining('tok€n'),
      }),
    );
  });
});
