/**
 * A full queue's drops are counted and reported on the diagnostic log, once a minute per signal
 * with how many items it stands for: an operator sees that telemetry is being lost, and why.
 */
import { expect, it } from 'vitest';
import { basePrediction, memoryMonitors, warningsOf } from '../support/memory-monitors.js';

const { start } = memoryMonitors('queue-full-report');

it('drops of a full queue are reported once, with their count and policy', async () => {
  const { monitor, diagnostics } = start({
    queue: { maxItems: 5 },
    batch: { lingerMs: 60_000 },
  });
  for (let i = 0; i < 8; i++) monitor.logPrediction({ ...basePrediction, predictionId: `p${i}` });
  expect(monitor.stats.dropped.queue_full).toBe(3);
  // The first drop is reported at once; the two after it wait for the next minute's report.
  expect(warningsOf(diagnostics)).toEqual([
    'driftwatch: the predictions queue is full (queue.maxItems or queue.maxBytes): dropped 1 item(s), the oldest, since the last report (counted in driftwatch_sdk_dropped_total{reason="queue_full"})',
  ]);
});
