/**
 * Monitors for tests of logPrediction/logLabel with a caller's values: a memory transport, the
 * diagnostics captured, no metrics endpoint; each one shut down after its test.
 */
import { afterEach } from 'vitest';
import {
  init,
  type DriftwatchOptions,
  type MemoryTransport,
  type Monitor,
} from '../../src/index.js';
import { captureLogs, type LogCapture } from './log-capture.js';

/** Registers the shutdown after each test; `start()` makes a monitor named `serviceName`. */
export function memoryMonitors(serviceName: string): {
  start(options?: DriftwatchOptions): { monitor: Monitor; diagnostics: LogCapture };
} {
  const monitors: Monitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.shutdown()));
  });
  return {
    start(options = {}) {
      const diagnostics = captureLogs();
      const monitor = init(
        {
          serviceName,
          transport: { type: 'memory' },
          logs: { destination: captureLogs().destination, export: false },
          diagnostics: { destination: diagnostics.destination },
          metrics: { serve: false, runtime: false, gpu: { enabled: false } },
          ...options,
        },
        {},
      );
      monitors.push(monitor);
      return { monitor, diagnostics };
    },
  };
}

/** A valid prediction, to spread and change one field of. */
export const basePrediction = { model: 'm', modelVersion: '1', features: { a: 1 }, prediction: 1 };

/** What the memory transport received of `signal`. */
export const sentItems = <S extends 'predictions' | 'labels'>(monitor: Monitor, signal: S) =>
  (monitor.transport as MemoryTransport).items(signal);

/** The messages of the warnings logged on the diagnostics. */
export const warningsOf = (diagnostics: LogCapture): unknown[] =>
  diagnostics.lines.filter((line) => line.level === 40).map((line) => line.msg);
