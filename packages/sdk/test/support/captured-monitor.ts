/**
 * Test helper: the monitor of the framework integrations' tests. It uses the memory transport,
 * captures every log line, and has no metrics endpoint, runtime or GPU metrics. `init` is the
 * SDK under test; the integrations' tests pass the built package they import.
 */
import type { DriftwatchOptions } from '../../src/index.js';
import { captureLogs, type LogCapture } from './log-capture.js';

export function capturedMonitor<M>(
  init: (options: DriftwatchOptions, env: NodeJS.ProcessEnv) => M,
  serviceName: string,
  /** Where its lines go: a capture of its own unless several monitors share one. */
  logs: LogCapture = captureLogs(),
): { monitor: M; logs: LogCapture } {
  const monitor = init(
    {
      serviceName,
      transport: { type: 'memory' },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  return { monitor, logs };
}
