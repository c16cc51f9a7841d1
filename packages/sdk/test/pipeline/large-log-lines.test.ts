/**
 * A log line is sent with its body clipped to 64 KiB and each attribute to 8 KiB: a large line
 * takes what is sent of `queue.maxBytes`, counted once converted for the wire, not its raw size
 * (twelve 1 MB lines filled a 2 MB queue and were dropped `queue_full`; one with a 9 MB
 * attribute was dropped `too_large`, though 8 KiB of it would have been sent).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';

let receiver: IngestReceiver;
beforeAll(async () => {
  receiver = await startIngestReceiver();
});
afterAll(() => receiver.close());

it('large lines are queued at the size they are sent, and all delivered', async () => {
  const monitor = init(
    {
      serviceName: 'large-log-lines',
      transport: { type: 'http', url: receiver.url },
      queue: { maxBytes: 2 * 1024 * 1024 },
      batch: { lingerMs: 60_000 },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
  try {
    const megabyte = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 12; i++) monitor.logger.info(`${i} ${megabyte}`);
    monitor.logger.info({ dump: 'y'.repeat(9 * 1024 * 1024) }, 'attribute of 9 MB');
    await monitor.flush();
    expect(monitor.stats.dropped).toMatchObject({ queue_full: 0, too_large: 0 });
    const logs = receiver.requests.flatMap((request) => request.batch.logs);
    expect(logs).toHaveLength(13);
    expect(logs.slice(0, 12).every((record) => String(record.body).length === 64 * 1024)).toBe(
      true,
    );
    expect(String(logs[12]?.attributes?.dump).length).toBe(8 * 1024);
  } finally {
    await monitor.shutdown();
  }
});
