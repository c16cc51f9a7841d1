/**
 * Child process of host-exit.test.ts: a host that starts the SDK and then has nothing left to
 * do; the parent checks that it exits on its own. Arguments: JSON of the `transport` option, and
 * `send` to first record one prediction and flush it, or `queue` to record six, each its own
 * batch, and leave them queued (a 2 s `retry.deadlineMs`), or `readiness` to ask for readiness
 * once after 1 s, as a probe would. Prints `ready <metrics port>`, then works for 1.5 s more.
 */
import { init, type DriftwatchOptions } from '../../src/index.js';

const transport = JSON.parse(process.argv[2]!) as DriftwatchOptions['transport'];
const monitor = init(
  {
    serviceName: 'idle-host',
    transport,
    batch: { maxItems: 1, lingerMs: 10 },
    ...(process.argv[3] === 'queue' ? { retry: { deadlineMs: 2000 } } : {}),
    metrics: { port: 0, host: '127.0.0.1', runtime: false, gpu: { enabled: false } },
    logs: { destination: { write: () => undefined }, export: false },
    diagnostics: { destination: { write: () => undefined } },
  },
  {},
);
if (process.argv[3] === 'send') {
  monitor.logPrediction({ model: 'churn', modelVersion: '1', features: { a: 1 }, prediction: 1 });
  await monitor.flush();
  if (monitor.stats.sentItems === 0) throw new Error('nothing was delivered');
}
if (process.argv[3] === 'queue') {
  for (let i = 0; i < 6; i++) {
    monitor.logPrediction({ model: 'churn', modelVersion: '1', features: { a: i }, prediction: 1 });
  }
}
if (process.argv[3] === 'readiness') {
  // Once the transport has loaded and its first connect is under way.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await monitor.readiness();
}
const address = await monitor.metricsAddress;
process.stdout.write(`ready ${address?.port ?? 0}\n`);
// The host's own last work (time for the parent to connect a scraper); then it is done.
setTimeout(() => undefined, 1500);
