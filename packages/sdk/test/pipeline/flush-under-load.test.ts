/**
 * flush() sends what was queued at its call and returns then, against a real local HTTP receiver
 * slower than the host produces: the items that keep arriving must not hold it for ever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { createHttpTransport } from '../../src/transport/http-transport.js';
import {
  receivedItems,
  startIngestReceiver,
  type IngestReceiver,
} from '../support/ingest-receiver.js';
import { testPipeline } from '../support/test-pipeline.js';
import { settleWithin } from '../../src/pipeline/deadline.js';

const label = (id: string) => ({ predictionId: id, label: 1, timeUnixMs: 1 });

let receiver: IngestReceiver | undefined;
let pipeline: ExportPipeline | undefined;
let producer: NodeJS.Timeout | undefined;

afterEach(async () => {
  clearInterval(producer);
  await pipeline?.shutdown(200);
  pipeline = undefined;
  await receiver?.close();
  receiver = undefined;
});

/** 'settled' when `work` settles first, 'hung' after `ms`. */
const settlesWithin = (work: Promise<unknown>, ms: number): Promise<'settled' | 'hung'> =>
  settleWithin(
    work.then(() => 'settled' as const),
    ms,
    'hung' as const,
  );

describe('flush under sustained load', () => {
  it('returns once what was queued at its call is sent, while more keeps arriving', async () => {
    receiver = await startIngestReceiver();
    // 5 items per 30 ms answer: far slower than the producer below, so the queue never empties.
    receiver.respondWith(() => ({ status: 200, body: '{}', delayMs: 30 }));
    ({ pipeline } = testPipeline(
      { batch: { maxItems: 5, lingerMs: 10 } },
      createHttpTransport({ url: receiver.url }),
    ));
    const target = pipeline;
    let next = 0;
    producer = setInterval(() => {
      for (let i = 0; i < 5; i += 1) target.enqueue('labels', label(`later-${next++}`), 100);
    }, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    target.enqueue('labels', label('before-flush'), 100);
    // About 125 items ahead of it, 5 per 30 ms: under a second (the queue, 10,000 items,
    // drops none by then).
    expect(await settlesWithin(target.flush(), 5000)).toBe('settled');
    const ids = receivedItems(receiver, 'labels').map((item) => item.predictionId);
    expect(ids).toContain('before-flush');
  });
});
