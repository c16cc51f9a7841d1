/**
 * The pipeline's waits between attempts: a Retry-After past five minutes holds for five minutes
 * (not a drop at once when the retry deadline allows more), a wait a transport gives as NaN is
 * no wait (the backoff stays in charge), and a batch held by a pause is dropped only at its retry
 * deadline, even when the wall clock and the timers disagree (a timer fires up to 1 ms early by
 * Date.now; an NTP step). Deadlines and pauses run on the monotonic clock: a wall clock stepped
 * back neither stretches a batch's retries nor a pause beyond what was asked.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { createHttpTransport } from '../../src/transport/http-transport.js';
import type { SendResult, Transport } from '../../src/transport/transport.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';
import { waitFor } from '../support/net.js';
import { testPipeline } from '../support/test-pipeline.js';

const label = (n: number) => ({ predictionId: `p-${n}`, label: 1, timeUnixMs: 1 });

let receiver: IngestReceiver | undefined;
let pipeline: ExportPipeline | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await pipeline?.shutdown(200);
  pipeline = undefined;
  await receiver?.close();
  receiver = undefined;
});

/** A transport answering each send from `answers` (the last one repeated), counting sends. */
function scriptedTransport(answers: readonly SendResult[]): Transport & { sends: number } {
  const transport = {
    name: 'scripted',
    sends: 0,
    send: () => {
      const answer = answers[Math.min(transport.sends, answers.length - 1)] as SendResult;
      transport.sends += 1;
      return Promise.resolve(answer);
    },
    isReady: () => true,
    shutdown: () => Promise.resolve(),
  };
  return transport;
}

const retryable = (retryAfterMs?: number): SendResult =>
  retryAfterMs === undefined
    ? { ok: false, retryable: true, error: new Error('unavailable') }
    : { ok: false, retryable: true, error: new Error('unavailable'), retryAfterMs };

describe('waits between attempts', () => {
  it.each(['600', '99999999999999999999'])(
    'a Retry-After of %s seconds holds a batch for five minutes at most, not a drop at once',
    async (retryAfter) => {
      receiver = await startIngestReceiver();
      receiver.respondWith(() => ({ status: 429, headers: { 'retry-after': retryAfter } }));
      // The retry deadline (10 minutes) outlasts the longest pause (5 minutes): the batch waits.
      ({ pipeline } = testPipeline(
        {
          batch: { lingerMs: 10 },
          retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 600_000 },
        },
        createHttpTransport({ url: receiver.url }),
      ));
      pipeline.enqueue('labels', label(1), 100);
      const answered = receiver;
      await waitFor('the 429', () => (answered.requests.length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pipeline.stats.dropped.retry_exhausted).toBe(0);
      expect(receiver.requests).toHaveLength(1);
      await pipeline.shutdown(100);
      expect(pipeline.stats.dropped.shutdown).toBe(1);
    },
  );

  it('a Retry-After a custom transport gives as NaN leaves the backoff in charge: no tight loop', async () => {
    const transport = scriptedTransport([retryable(Number.NaN)]);
    ({ pipeline } = testPipeline(
      {
        batch: { lingerMs: 10 },
        retry: { initialBackoffMs: 100, maxBackoffMs: 100, deadlineMs: 60_000 },
      },
      transport,
    ));
    pipeline.enqueue('labels', label(1), 100);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Backoff in [0, 100) ms: about 12 attempts in 600 ms, not hundreds.
    expect(transport.sends).toBeGreaterThan(2);
    expect(transport.sends).toBeLessThan(40);
  });

  it('a batch held by a pause is sent when the pause ends, though Date.now lags the timers', async () => {
    const transport = scriptedTransport([retryable(200), { ok: true }]);
    ({ pipeline } = testPipeline(
      {
        batch: { lingerMs: 10 },
        retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 60_000 },
      },
      transport,
    ));
    const realNow = Date.now.bind(Date);
    const started = realNow();
    // From here on the wall clock runs at half the timers' pace: each wait for the pause's end
    // wakes before Date.now reaches it, as a timer can by a millisecond, or after an NTP step.
    vi.spyOn(Date, 'now').mockImplementation(() => started + Math.floor((realNow() - started) / 2));
    pipeline.enqueue('labels', label(1), 100);
    const held = pipeline;
    await waitFor('the batch', () =>
      held.stats.sentItems + totalDropped(held) > 0 ? true : undefined,
    );
    expect(pipeline.stats.dropped.retry_exhausted).toBe(0);
    expect(pipeline.stats.sentItems).toBe(1);
    expect(transport.sends).toBe(2);
  });
});

describe('a wall clock stepped back an hour (NTP, a VM resumed)', () => {
  /** Polls `done` for up to `ms` by the monotonic clock (waitFor reads Date.now, mocked here). */
  async function settledWithin(ms: number, done: () => boolean): Promise<void> {
    const until = performance.now() + ms;
    while (!done() && performance.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** `afterMs` after the first send (during its retry wait), Date.now reads an hour earlier. */
  function stepBackAfterFirstSend(
    answers: readonly SendResult[],
    afterMs: number,
  ): Transport & { sends: number } {
    const transport = scriptedTransport(answers);
    const send = transport.send.bind(transport);
    const realNow = Date.now.bind(Date);
    transport.send = (batch, signal) => {
      if (transport.sends === 0) {
        setTimeout(
          () => vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000),
          afterMs,
        );
      }
      return send(batch, signal);
    };
    return transport;
  }

  it('does not stretch a failing batch’s retries past retry.deadlineMs', async () => {
    const transport = stepBackAfterFirstSend([retryable()], 0);
    ({ pipeline } = testPipeline(
      {
        batch: { lingerMs: 10 },
        retry: { initialBackoffMs: 5, maxBackoffMs: 20, deadlineMs: 300 },
      },
      transport,
    ));
    pipeline.enqueue('labels', label(1), 100);
    const held = pipeline;
    await settledWithin(1500, () => held.stats.dropped.retry_exhausted > 0);
    expect(held.stats.dropped.retry_exhausted).toBe(1);
  });

  it('does not stretch a Retry-After pause by the step', async () => {
    const transport = stepBackAfterFirstSend([retryable(200), { ok: true }], 20);
    ({ pipeline } = testPipeline(
      {
        batch: { lingerMs: 10 },
        retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 2000 },
      },
      transport,
    ));
    pipeline.enqueue('labels', label(1), 100);
    const held = pipeline;
    await settledWithin(1000, () => held.stats.sentItems > 0);
    expect(held.stats.sentItems).toBe(1);
    expect(transport.sends).toBe(2);
  });
});

function totalDropped(target: ExportPipeline): number {
  return Object.values(target.stats.dropped).reduce((sum, count) => sum + count, 0);
}
