/**
 * A monitor for log-record tests: every level written to a captured destination and exported
 * to a memory transport, and the record a message became; shut down after the file's tests.
 */
import type { LogRecord } from '@driftwatch/schema';
import { afterAll } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs, type LogCapture } from './log-capture.js';

export function logExportMonitor(serviceName: string): {
  readonly monitor: Monitor;
  readonly logs: LogCapture;
  readonly transport: MemoryTransport;
  /** The exported record whose body is `message`, after a flush. */
  exported(message: string): Promise<LogRecord | undefined>;
} {
  const logs = captureLogs();
  const monitor = init(
    {
      serviceName,
      transport: { type: 'memory' },
      logs: { destination: logs.destination, level: 'trace' },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
  afterAll(() => monitor.shutdown());
  const transport = monitor.transport as MemoryTransport;
  return {
    monitor,
    logs,
    transport,
    async exported(message) {
      await monitor.flush();
      return transport.items('logs').find((record) => record.body === message);
    },
  };
}
