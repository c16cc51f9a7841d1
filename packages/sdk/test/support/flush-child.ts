/**
 * Child process of export-failures.test.ts: one prediction whose first send is answered 503 with
 * Retry-After (the retry wait starts with no flush waiting, so unref'd); 300 ms later the script
 * awaits `monitor.flush()` with nothing else keeping the process alive, and prints the outcome.
 */
import { init } from '../../src/index.js';

const monitor = init(
  {
    serviceName: 'flush-child',
    transport: { type: 'http', url: process.argv[2]! },
    batch: { lingerMs: 20 },
    metrics: { enabled: false },
    logs: { destination: { write: () => undefined } },
    diagnostics: { destination: { write: () => undefined } },
  },
  {},
);
monitor.logPrediction({ model: 'churn', modelVersion: '1', features: { a: 1 }, prediction: 1 });
await new Promise((resolve) => setTimeout(resolve, 300));
await monitor.flush();
process.stdout.write(`flushed sentItems=${monitor.stats.sentItems}\n`);
await monitor.shutdown();
