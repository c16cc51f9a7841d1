/**
 * Test helper for transport tests: a monitor that exports prediction samples only (no log
 * export, metrics or traces), whose batches leave on `flush()` alone, and one sample sent
 * through it.
 */
import { init, type DriftwatchOptions, type Monitor } from '../../src/index.js';
import { captureLogs } from './log-capture.js';

export function predictionOnlyMonitor(
  serviceName: string,
  transport: DriftwatchOptions['transport'],
): Monitor {
  return init(
    {
      serviceName,
      transport,
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
      traces: { enabled: false },
      batch: { lingerMs: 60_000 },
    },
    {},
  );
}

/** Logs one prediction sample and flushes it. */
export async function sendOnePrediction(monitor: Monitor): Promise<void> {
  monitor.logPrediction({ model: 'm', modelVersion: '1', features: { x: 1 }, prediction: 1 });
  await monitor.flush();
}
