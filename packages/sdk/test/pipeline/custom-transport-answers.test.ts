/**
 * A custom transport's answer to `send()` is read defensively: counts that are not finite
 * numbers, a failure without an Error, rejected entries that name no item of the batch or carry
 * no issues. Every item is still counted once, by one reason, and the failure is reported.
 */
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../src/transport/transport.js';
import { testPipeline } from '../support/test-pipeline.js';

const label = (n: number) => ({ predictionId: `p-${n}`, label: 1, timeUnixMs: 1 });

/** Sends five labels to a transport that answers `answer`; the stats and the diagnostic lines. */
async function sendFiveAnswered(answer: unknown) {
  const transport = {
    name: 'custom',
    send: () => Promise.resolve(answer),
    isReady: () => true,
    shutdown: () => Promise.resolve(),
  } as unknown as Transport;
  const { pipeline, diagnostics } = testPipeline(
    {
      batch: { lingerMs: 10 },
      retry: { initialBackoffMs: 1, maxBackoffMs: 1, deadlineMs: 50 },
    },
    transport,
  );
  for (let n = 0; n < 5; n += 1) pipeline.enqueue('labels', label(n), 100);
  await pipeline.flush();
  await pipeline.shutdown(100);
  const messages = diagnostics.lines.map((line) => String(line.msg));
  expect(messages.filter((msg) => msg.includes('export loop failed'))).toEqual([]);
  return { stats: pipeline.stats, messages };
}

describe('a custom transport’s answer', () => {
  it.each([
    ['a NaN droppedTooLarge', { ok: true, droppedTooLarge: NaN }],
    ['an infinite droppedTooLarge', { ok: true, droppedTooLarge: Infinity }],
    ['a rejectedUnlisted that is not a number', { ok: true, rejectedUnlisted: {} }],
  ])('ok with %s counts the batch as sent', async (_case, answer) => {
    const { stats } = await sendFiveAnswered(answer);
    expect(stats.sentItems).toBe(5);
    expect(stats.dropped).toMatchObject({ too_large: 0, rejected: 0 });
  });

  it('a retryable failure without an error is retried, then dropped at the deadline and reported', async () => {
    const { stats, messages } = await sendFiveAnswered({ ok: false, retryable: true });
    expect(stats.dropped.retry_exhausted).toBe(5);
    expect(stats.exportErrors).toBeGreaterThan(0);
    expect(messages.some((msg) => msg.includes('transport custom'))).toBe(true);
  });

  it('a failure whose error is a string is reported with that text', async () => {
    const { stats, messages } = await sendFiveAnswered({
      ok: false,
      retryable: false,
      error: 'boom',
    });
    expect(stats.dropped.send_failed).toBe(5);
    const failed = messages.find((msg) => msg.includes('export failed'));
    expect(failed).toContain('boom');
    expect(failed).not.toContain('undefined');
  });

  it('a rejected entry without issues is counted and reported', async () => {
    const { stats, messages } = await sendFiveAnswered({
      ok: true,
      rejected: [{ signal: 'labels', index: 0 }],
    });
    expect(stats.dropped.rejected).toBe(1);
    expect(stats.sentItems).toBe(4);
    expect(messages.some((msg) => msg.includes('destination rejected 1 item(s)'))).toBe(true);
  });

  it('rejected entries that name no item of the batch, or one twice, count once or not at all', async () => {
    const { stats } = await sendFiveAnswered({
      ok: true,
      rejected: [
        { signal: 'labels', index: 1, issues: [{ path: '/label', message: 'bad' }] },
        { signal: 'labels', index: 1, issues: [{ path: '/label', message: 'bad' }] },
        { signal: 'labels', index: 5, issues: [] },
        { signal: 'spans', index: 0, issues: [] },
        { signal: 'resource', index: 0, issues: [] },
        'labels[2]',
        null,
      ],
    });
    expect(stats.dropped.rejected).toBe(1);
    expect(stats.sentItems).toBe(4);
  });
});
