/**
 * A send the pipeline's shutdown aborted, or one the transport's shutdown overtook, while its body
 * was still being compressed: nothing goes out after that (no request, no socket opened after the
 * transport closed), against a real local receiver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../src/transport/http-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';

let receiver: IngestReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A batch large enough that its gzip (level 9, on the thread pool) outlasts the calling tick. */
function largeBatch(): TelemetryBatch {
  const labels = Array.from({ length: 2000 }, (_, i) => ({
    predictionId: `p-${i}-${'x'.repeat(200)}`,
    label: i,
    timeUnixMs: 1,
  }));
  return { resource: {}, predictions: [], labels, logs: [], spans: [], metrics: [] };
}

describe('HTTP transport send cut short while its body is compressed', () => {
  it('an abort signalled during the compression: no request, a retryable failure', async () => {
    receiver = await startIngestReceiver();
    const transport = createHttpTransport({ url: receiver.url, gzipMinBytes: 0, gzipLevel: 9 });
    const controller = new AbortController();
    const sending = transport.send(largeBatch(), controller.signal);
    controller.abort(new Error('shut down'));
    const result = await sending;
    expect(result.ok).toBe(false);
    // Time for a request that went out anyway to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
    await transport.shutdown(100);
  });

  it('the transport shut down during the compression: no request after shutdown', async () => {
    receiver = await startIngestReceiver();
    const transport = createHttpTransport({ url: receiver.url, gzipMinBytes: 0, gzipLevel: 9 });
    const sending = transport.send(largeBatch());
    await transport.shutdown(100);
    const result = await sending;
    expect(result).toMatchObject({ ok: false, retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
  });
});
