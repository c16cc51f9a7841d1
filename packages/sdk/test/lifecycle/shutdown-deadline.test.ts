/**
 * `shutdown({ timeoutMs })` with values a caller may pass: Infinity ("no hurry") and numbers past
 * Node's longest timer must wait for the delivery, not overflow to a 1 ms deadline that drops
 * what is queued; NaN or text falls back to `shutdownTimeoutMs`; a negative deadline is 0.
 * A real HTTP receiver that answers each batch after 300 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';

let receiver: IngestReceiver;
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(async () => {
  receiver = await startIngestReceiver();
  receiver.respondWith(() => ({ status: 200, body: '{}', delayMs: 300 }));
  process.on('warning', onWarning);
});
afterAll(async () => {
  process.off('warning', onWarning);
  await receiver.close();
});

/** A monitor with one prediction queued that only the shutdown flush sends. */
function monitorWithOnePrediction(): Monitor {
  const monitor = init(
    {
      serviceName: 'shutdown-deadline',
      transport: { type: 'http', url: receiver.url },
      batch: { lingerMs: 60_000 },
      metrics: { enabled: false },
      logs: { destination: { write: () => undefined }, export: false },
      diagnostics: { destination: { write: () => undefined } },
    },
    {},
  );
  monitor.logPrediction({ model: 'churn', modelVersion: '1', features: { a: 1 }, prediction: 1 });
  return monitor;
}

describe('shutdown({ timeoutMs })', () => {
  it.each([
    ['Infinity', Infinity],
    ['past the longest timer', 2 ** 40],
    ['NaN (the default applies)', Number.NaN],
    ['text (the default applies)', '3000' as unknown as number],
  ])('%s: waits for the delivery', async (_case, timeoutMs) => {
    warnings.length = 0;
    const monitor = monitorWithOnePrediction();
    await monitor.shutdown({ timeoutMs });
    expect(monitor.stats.sentItems).toBe(1);
    expect(monitor.stats.dropped.shutdown).toBe(0);
    expect(warnings.map((warning) => warning.name)).not.toContain('TimeoutOverflowWarning');
  });

  it('a negative deadline counts as 0: returns, and what was queued is dropped as "shutdown"', async () => {
    const monitor = monitorWithOnePrediction();
    await monitor.shutdown({ timeoutMs: -5 });
    expect(monitor.stats.sentItems).toBe(0);
    expect(monitor.stats.dropped.shutdown).toBe(1);
  });
});
