/**
 * logPrediction keeps the features as they were at the call: the event is serialized at batch
 * time, and a host that reuses or changes its object meanwhile (even with values the check would
 * have refused, or a BigInt that JSON cannot write) must not change or lose what is exported.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

let receiver: IngestReceiver;
let monitor: Monitor | undefined;
let diagnostics: LogCapture;

beforeEach(async () => {
  receiver = await startIngestReceiver();
  diagnostics = captureLogs();
});
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  await receiver.close();
});

describe('prediction features', () => {
  it('are exported as they were when logPrediction was called', async () => {
    monitor = init(
      {
        serviceName: 'snapshot-test',
        // The HTTP transport takes rendered JSON: predictions are serialized at batch time.
        transport: { type: 'http', url: receiver.url, gzipMinBytes: 0 },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: diagnostics.destination },
        metrics: { enabled: false },
        traces: { enabled: false },
        batch: { lingerMs: 60_000 },
      },
      {},
    );
    // One object reused for every call, as a host filling a buffer per request would.
    const features: Record<string, unknown> = { age: 41, city: 'Oslo' };
    const log = (n: number) =>
      monitor?.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: features as Record<string, number | string>,
        prediction: n,
        predictionId: `p-${n}`,
      });
    log(0);
    features.age = 17;
    features.city = 'Bergen';
    log(1);
    // After the last call: values the check refuses, and one JSON.stringify throws on.
    features.age = { nested: true };
    features.city = 10n;
    features.added = [1, 2];
    await monitor.flush();

    const predictions = receiver.requests.flatMap((request) => request.batch.predictions);
    expect(predictions.map((p) => [p.predictionId, p.features])).toEqual([
      ['p-0', { age: 41, city: 'Oslo' }],
      ['p-1', { age: 17, city: 'Bergen' }],
    ]);
    expect(monitor.stats.sentItems).toBe(2);
    expect(monitor.stats.dropped.invalid).toBe(0);
    expect(diagnostics.lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
  });
});
