/**
 * Shutdown of the export pipeline with transports that misbehave at the end: one whose own
 * shutdown never settles or throws (the deadline still holds, nothing rejects into the host), and
 * a send cut short by shutdown's abort (counted as "shutdown", not reported as a failing export),
 * and a transport that loads only after shutdown gave up waiting for it (shut down as it arrives).
 */
import { describe, expect, it } from 'vitest';
import type { SendResult, Transport } from '../../src/transport/transport.js';
import { testPipeline } from '../support/test-pipeline.js';
import { settleWithin } from '../../src/pipeline/deadline.js';

function pipelineWith(transport: Transport) {
  const { pipeline, diagnostics } = testPipeline({ batch: { lingerMs: 10 } }, transport);
  return { pipeline, logs: diagnostics };
}

const label = (n: number) => ({ predictionId: `p-${n}`, label: 1, timeUnixMs: 1 });

/** 'settled' when `work` settles first, 'hung' after `ms`. */
const settlesWithin = (work: Promise<unknown>, ms: number): Promise<'settled' | 'hung'> =>
  settleWithin(
    work.then(() => 'settled' as const),
    ms,
    'hung' as const,
  );

describe('export pipeline shutdown', () => {
  it.each([
    ['never settles', () => new Promise<void>(() => undefined)],
    [
      'throws',
      () => {
        throw new Error('close failed');
      },
    ],
    ['returns nothing', () => undefined as unknown as Promise<void>],
  ])('returns by its deadline when the transport’s shutdown %s', async (_case, shutdown) => {
    const { pipeline } = pipelineWith({
      name: 'custom',
      send: () => Promise.resolve({ ok: true }),
      isReady: () => true,
      shutdown,
    });
    pipeline.enqueue('labels', label(1), 100);
    // Far beyond the 300 ms deadline: the wait only tells a hang from a return.
    expect(await settlesWithin(pipeline.shutdown(300), 5000)).toBe('settled');
    expect(pipeline.stats.sentItems).toBe(1);
  });

  it('counts a send cut short by the shutdown abort as "shutdown", with no "export failing" warning', async () => {
    let sends = 0;
    const { pipeline, logs } = pipelineWith({
      name: 'slow',
      send: (_batch, signal) =>
        new Promise<SendResult>((resolve) => {
          sends += 1;
          signal?.addEventListener('abort', () =>
            resolve({ ok: false, retryable: true, error: new Error('send aborted') }),
          );
        }),
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    });
    pipeline.enqueue('labels', label(1), 100);
    pipeline.enqueue('labels', label(2), 100);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sends).toBe(1);
    await pipeline.shutdown(200);
    expect(pipeline.stats.dropped.shutdown).toBe(2);
    expect(pipeline.stats.exportErrors).toBe(0);
    expect(logs.lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
  });

  it('shuts down a transport that loads after shutdown returned (Kafka connects as it is made)', async () => {
    let shutdowns = 0;
    let sends = 0;
    const late: Transport = {
      name: 'late',
      send: () => {
        sends += 1;
        return Promise.resolve({ ok: true });
      },
      isReady: () => true,
      shutdown: () => {
        shutdowns += 1;
        return Promise.resolve();
      },
    };
    let load: (transport: Transport) => void = () => undefined;
    const { pipeline } = testPipeline(
      { batch: { lingerMs: 10 } },
      new Promise<Transport>((resolve) => (load = resolve)),
    );
    pipeline.enqueue('labels', label(1), 100);
    await pipeline.shutdown(20);
    expect(pipeline.stats.dropped.shutdown).toBe(1);
    load(late);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shutdowns).toBe(1);
    expect(sends).toBe(0);
  });
});
