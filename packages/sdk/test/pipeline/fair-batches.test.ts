/**
 * Batches are shared fairly between signals: under sustained prediction load, labels, logs and
 * spans still leave in every batch instead of waiting behind predictions until their queues
 * evict them (queue_full). Each signal keeps its own order.
 */
import { describe, expect, it } from 'vitest';
import { SIGNALS } from '@driftwatch/schema';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import { testPipeline } from '../support/test-pipeline.js';

function recording(): { transport: Transport; batches: TelemetryBatch[] } {
  const batches: TelemetryBatch[] = [];
  return {
    batches,
    transport: {
      name: 'recording',
      send: (batch) => {
        batches.push(batch);
        return Promise.resolve({ ok: true });
      },
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    },
  };
}

const countsOf = (batch: TelemetryBatch | undefined) =>
  Object.fromEntries(SIGNALS.map((signal) => [signal, batch?.[signal].length ?? 0]));

const idsOf = (batches: TelemetryBatch[], signal: 'predictions' | 'labels' | 'logs') =>
  batches.flatMap((batch) => (batch[signal] as unknown as Array<{ id: number }>).map((i) => i.id));

describe('batch filling', () => {
  it('gives every signal with items a share of each batch, keeping each signal in order', async () => {
    const { transport, batches } = recording();
    const { pipeline } = testPipeline(
      { batch: { maxItems: 10, lingerMs: 10_000 }, queue: { maxItems: 1000 } },
      transport,
    );
    for (let id = 0; id < 100; id += 1) pipeline.enqueue('predictions', { id }, 100);
    for (let id = 0; id < 3; id += 1) pipeline.enqueue('labels', { id }, 100);
    for (let id = 0; id < 8; id += 1) pipeline.enqueue('logs', { id }, 100);
    await pipeline.flush();

    expect(countsOf(batches[0])).toEqual({
      predictions: 4,
      labels: 3,
      logs: 3,
      spans: 0,
      metrics: 0,
    });
    expect(countsOf(batches[1])).toEqual({
      predictions: 5,
      labels: 0,
      logs: 5,
      spans: 0,
      metrics: 0,
    });
    expect(idsOf(batches, 'predictions')).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(idsOf(batches, 'labels')).toEqual([0, 1, 2]);
    expect(idsOf(batches, 'logs')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pipeline.stats.sentItems).toBe(111);
    await pipeline.shutdown(100);
  });
});
