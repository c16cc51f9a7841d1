import { afterEach, describe, expect, it } from 'vitest';
import type { DropPolicy } from '../../src/options.js';
import {
  BoundedQueue,
  LARGER_THAN_QUEUE,
  type QueueTotals,
} from '../../src/pipeline/bounded-queue.js';
import type { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import type { LogCapture } from '../support/log-capture.js';
import { testPipeline } from '../support/test-pipeline.js';

const limits = { maxItems: 3, maxBytes: 100, dropPolicy: 'drop-oldest' as const };

describe('bounded queue', () => {
  it('keeps the shared totals of a group of queues through pushes, drops, shifts and clears', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const a = new BoundedQueue<string>(limits, totals);
    const b = new BoundedQueue<string>(limits, totals);
    a.push('a1', 10);
    a.push('a2', 20);
    b.push('b1', 30);
    expect(totals).toEqual({ items: 3, bytes: 60 });
    // Drop-oldest: a full queue sheds a1 to take a3 and a4.
    a.push('a3', 5);
    a.push('a4', 5);
    expect(a.length).toBe(3);
    expect(totals).toEqual({ items: 4, bytes: 60 });
    expect(a.shift()).toEqual({ item: 'a2', bytes: 20 });
    expect(totals).toEqual({ items: 3, bytes: 40 });
    expect(b.clear()).toBe(1);
    expect(totals).toEqual({ items: 2, bytes: 10 });
  });

  it('drop-newest refuses what does not fit and leaves the totals alone', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const queue = new BoundedQueue<string>({ ...limits, dropPolicy: 'drop-newest' }, totals);
    expect(queue.push('x', 60)).toBe(0);
    expect(queue.push('y', 60)).toBe(1);
    expect(totals).toEqual({ items: 1, bytes: 60 });
  });

  it('keeps its byte bound when an estimate is not a number', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const queue = new BoundedQueue<string>({ ...limits, maxItems: 100, maxBytes: 3000 }, totals);
    queue.push('broken', Number.NaN);
    expect(Number.isFinite(totals.bytes)).toBe(true);
    // Counted as 1 KB: one more of 1 KB fits, the next one pushes it out.
    expect(queue.push('a', 1000)).toBe(0);
    expect(queue.push('b', 1000)).toBe(1);
    expect(queue.shift()?.item).toBe('a');
    expect(totals.bytes).toBe(1000);
  });
});

describe('an item larger than queue.maxBytes', () => {
  const DROP_POLICIES: DropPolicy[] = ['drop-oldest', 'drop-newest'];
  const QUEUE_MAX_BYTES = 1024;
  let opened: ExportPipeline | undefined;
  afterEach(async () => {
    await opened?.shutdown(1000);
    opened = undefined;
  });

  /** A pipeline whose queues only empty on flush, with a transport that keeps the ids it sends. */
  function pipelineWith(
    dropPolicy: DropPolicy,
    transport: Transport | Promise<Transport>,
  ): { pipeline: ExportPipeline; diagnostics: LogCapture } {
    const made = testPipeline(
      { queue: { maxBytes: QUEUE_MAX_BYTES, dropPolicy }, batch: { lingerMs: 60_000 } },
      transport,
    );
    opened = made.pipeline;
    return made;
  }

  function keepingTransport(sent: string[]): Transport {
    return {
      name: 'keeping',
      send: (batch: TelemetryBatch) => {
        sent.push(...batch.labels.map((label) => label.predictionId));
        return Promise.resolve({ ok: true });
      },
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    };
  }

  const label = (id: string) => ({ predictionId: id, label: 1, timeUnixMs: 1 });

  it.each(DROP_POLICIES)('is refused by the queue under %s, and nothing else is', (dropPolicy) => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const queue = new BoundedQueue<string>({ ...limits, dropPolicy }, totals);
    queue.push('a', 10);
    expect(queue.push('huge', limits.maxBytes + 1)).toBe(LARGER_THAN_QUEUE);
    expect(totals).toEqual({ items: 1, bytes: 10 });
    expect(queue.shift()?.item).toBe('a');
    expect(queue.length).toBe(0);
  });

  it.each(DROP_POLICIES)(
    'is dropped as too_large with a warning under %s, the queued items sent',
    async (dropPolicy) => {
      const sent: string[] = [];
      const { pipeline, diagnostics } = pipelineWith(dropPolicy, keepingTransport(sent));
      pipeline.enqueue('labels', label('before'), 100);
      pipeline.enqueue('labels', label('huge'), QUEUE_MAX_BYTES + 1);
      pipeline.enqueue('labels', label('after'), 100);
      await pipeline.flush();

      expect(sent).toEqual(['before', 'after']);
      expect(pipeline.stats.dropped.too_large).toBe(1);
      expect(pipeline.stats.dropped.queue_full).toBe(0);
      const warnings = diagnostics.lines.filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ dropped: 1 });
      expect(String(warnings[0]?.msg)).toContain("too large for the labels queue's queue.maxBytes");
    },
  );

  it('reports items over different limits apart, each naming its own', async () => {
    const sent: string[] = [];
    const { pipeline, diagnostics } = pipelineWith('drop-oldest', keepingTransport(sent));
    pipeline.enqueue('labels', label('huge-label'), QUEUE_MAX_BYTES + 1);
    pipeline.enqueue('labels', label('huge-label-2'), QUEUE_MAX_BYTES + 1);
    pipeline.enqueue('logs', label('huge-log') as never, QUEUE_MAX_BYTES + 1);
    const warnings = diagnostics.lines.filter((line) => line.level === 40);
    // Within one minute: the first item over each limit is reported, the second label held.
    expect(
      warnings.map((line) => [line.dropped, String(line.msg).match(/for the (\w+) queue/)?.[1]]),
    ).toEqual([
      [1, 'labels'],
      [1, 'logs'],
    ]);
    expect(pipeline.stats.dropped.too_large).toBe(3);
    await pipeline.shutdown(100);
  });

  it('does not end a waiting flush before what was queued is sent (drop-oldest)', async () => {
    const sent: string[] = [];
    // A transport still loading (as Kafka's does) holds the flush while the item arrives; under
    // drop-oldest, items that left the queue count towards the flush's target.
    let load: (transport: Transport) => void = () => undefined;
    const loading = new Promise<Transport>((resolve) => {
      load = resolve;
    });
    const { pipeline } = pipelineWith('drop-oldest', loading);
    pipeline.enqueue('labels', label('queued'), 100);
    const flushed = pipeline.flush();
    pipeline.enqueue('labels', label('huge'), QUEUE_MAX_BYTES + 1);
    load(keepingTransport(sent));
    await flushed;

    expect(sent).toEqual(['queued']);
  });
});
