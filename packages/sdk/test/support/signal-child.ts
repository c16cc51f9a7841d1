/**
 * Child process of signal-shutdown.test.ts: an SDK with `handleSignals`, one prediction queued
 * (a long linger: only the shutdown flush sends it). Modes (second argument): `host` adds a
 * SIGTERM listener of its own that drains for 300 ms and exits with code 7; `drain` one that logs
 * three more predictions over 300 ms, shuts the monitor down and exits with code 7; `two` starts a second
 * monitor first, with nothing queued (it shuts down at once), so that the process must wait for
 * the slower one; `once-before` adds, before `init()`, a `process.once` SIGTERM listener that
 * drains for 300 ms and exits with code 7 (Node removes it before the SDK's listener runs);
 * `host-shutdown` calls `monitor.shutdown()` itself before it is ready, and prints `shut down`
 * once that resolves; `sigint-host` handles SIGINT itself (300 ms later logs a prediction
 * `{a: 3}` and prints `interrupted`, staying up) and leaves SIGTERM to the SDK.
 */
import { init, type DriftwatchOptions } from '../../src/index.js';

const [url, mode] = process.argv.slice(2);
const options = (collector: string): DriftwatchOptions => ({
  serviceName: 'signal-child',
  transport: { type: 'http', url: collector },
  batch: { lingerMs: 60_000 },
  metrics: { enabled: false },
  logs: { destination: { write: () => undefined } },
  handleSignals: true,
});
if (mode === 'once-before') {
  process.once('SIGTERM', () => {
    setTimeout(() => process.exit(7), 300);
  });
}
if (mode === 'two') init(options(url!), {});
const monitor = init(options(url!), {});
if (mode === 'host') {
  process.on('SIGTERM', () => {
    setTimeout(() => process.exit(7), 300);
  });
}
if (mode === 'drain') {
  // The host's graceful drain: requests still in flight log predictions, then it shuts down.
  process.on('SIGTERM', () => {
    let left = 3;
    const timer = setInterval(() => {
      monitor.logPrediction({
        model: 'churn',
        modelVersion: '1',
        features: { a: 2 },
        prediction: 0,
      });
      left -= 1;
      if (left > 0) return;
      clearInterval(timer);
      void monitor.shutdown().then(() => process.exit(7));
    }, 100);
  });
}
if (mode === 'sigint-host') {
  // Once the SIGINT's own flush is over: only a later flush can send this one.
  process.on('SIGINT', () => {
    setTimeout(() => {
      monitor.logPrediction({
        model: 'churn',
        modelVersion: '1',
        features: { a: 3 },
        prediction: 1,
      });
      process.stdout.write('interrupted\n');
    }, 300);
  });
}
monitor.logPrediction({ model: 'churn', modelVersion: '1', features: { a: 1 }, prediction: 1 });
if (mode === 'host-shutdown') {
  void monitor.shutdown().then(() => process.stdout.write('shut down\n'));
}
// Keeps the event loop alive until a signal ends the process.
setInterval(() => undefined, 1_000);
process.stdout.write('ready\n');
