/**
 * A send the pipeline's shutdown aborted, or one the transport's shutdown overtook, while its body
 * was still being compressed: nothing goes out after that (no request, no socket opened after the
 * transport closed), and the next batch keeps its own encoding (and idempotency-key) for its
 * retries, against a real local receiver.
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

  it('a compression that ends after the next batch was sent does not take that batch’s encoding', async () => {
    receiver = await startIngestReceiver();
    // The next batch is small (sent uncompressed at once); its first send fails (503).
    receiver.respondWith((_request, index) => (index === 0 ? { status: 503 } : { status: 202 }));
    const transport = createHttpTransport({ url: receiver.url, gzipMinBytes: 4096, gzipLevel: 9 });
    try {
      // The pipeline gave this send up at its deadline while the body was compressed.
      const controller = new AbortController();
      const abandoned = transport.send(largeBatch(), controller.signal);
      controller.abort(new Error('deadline'));
      const next: TelemetryBatch = {
        resource: {},
        predictions: [],
        labels: [{ predictionId: 'p', label: 1, timeUnixMs: 1 }],
        logs: [],
        spans: [],
        metrics: [],
      };
      expect(await transport.send(next)).toMatchObject({ ok: false, retryable: true });
      expect(await abandoned).toMatchObject({ ok: false });
      expect(await transport.send(next)).toEqual({ ok: true });
      const keys = receiver.requests.map((request) => request.headers['idempotency-key']);
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
    } finally {
      await transport.shutdown(100);
    }
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
