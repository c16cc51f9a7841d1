/**
 * queue.maxBytes bounds what a queue really holds: item estimates count their strings (feature
 * names and values, span names, attribute values), so a queue of large-string items is held to
 * maxBytes of JSON, and what does not fit is dropped and counted ("queue_full").
 */
import type { PredictionEvent, SpanRecord } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const QUEUE_MAX_BYTES = 100_000;

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** A monitor whose queues only empty on flush (batches larger than the queues, a long linger). */
function queueingMonitor(): Monitor {
  monitor = init(
    {
      transport: { type: 'memory' },
      queue: { maxBytes: QUEUE_MAX_BYTES, maxItems: 10_000 },
      batch: { maxItems: 10_000, maxBytes: 100_000_000, lingerMs: 60_000 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
  return monitor;
}

/** JSON bytes of what one signal exported. */
function exportedBytes(target: Monitor, signal: 'predictions' | 'spans'): number {
  const items: Array<PredictionEvent | SpanRecord> = (target.transport as MemoryTransport).items(
    signal,
  );
  return items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0);
}

/**
 * Flushes `target`, whose queue was offered `count` items of one signal, and checks that it held
 * them to queue.maxBytes: some dropped, the rest sent, and not far below the bound either.
 */
async function expectHeldToMaxBytes(
  target: Monitor,
  count: number,
  signal: 'predictions' | 'spans',
): Promise<void> {
  const dropped = target.stats.dropped.queue_full;
  await target.flush();

  expect(dropped).toBeGreaterThan(0);
  expect(target.stats.sentItems + dropped).toBe(count);
  expect(exportedBytes(target, signal)).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
  // The estimate is not so large that the queue holds much less than it could.
  expect(exportedBytes(target, signal)).toBeGreaterThan(QUEUE_MAX_BYTES * 0.5);
}

describe('queue byte estimates', () => {
  it('hold a queue of predictions with long feature names and values to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 300;
    for (let i = 0; i < count; i += 1) {
      target.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: { ['feature-name-'.padEnd(100, 'n')]: 'v'.repeat(1000), age: i },
        prediction: 1,
      });
    }
    await expectHeldToMaxBytes(target, count, 'predictions');
  });

  it('hold a queue of request spans with long paths and routes to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 30;
    for (let i = 0; i < count; i += 1) {
      const request = target.http.start({
        method: 'GET',
        path: `/${'p'.repeat(8000)}/${i}`,
        headers: {},
      });
      request.end({ statusCode: 200, route: `/${'r'.repeat(8000)}/:id` });
    }
    await expectHeldToMaxBytes(target, count, 'spans');
  });

  it('hold a queue of spans with long attribute and event values to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 30;
    for (let i = 0; i < count; i += 1) {
      target.span('work', (span) => {
        span.setAttribute('payload', 'a'.repeat(6000));
        span.setAttribute('tags', ['t'.repeat(1000), 't'.repeat(1000)]);
        span.addEvent('note', { text: 'e'.repeat(2000) });
      });
    }
    await expectHeldToMaxBytes(target, count, 'spans');
  });
});
