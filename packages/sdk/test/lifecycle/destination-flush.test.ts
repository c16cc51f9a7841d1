/**
 * shutdown() waits for the log destination's own flush: an asynchronous destination (a
 * pino.transport worker, an async sonic-boom) holds lines that a host exiting right after
 * shutdown() would otherwise lose. A destination that never calls back, or fails, costs at most
 * the deadline (at least 100 ms), and shutdown() still resolves.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

/** A destination that holds its lines until flushed, and flushes after `delayMs`. */
function slowDestination(delayMs: number, failWith?: Error) {
  const written: string[] = [];
  const held: string[] = [];
  const destination = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        held.push(chunk.toString());
        callback();
      },
    }),
    {
      flush(callback: (error?: Error | null) => void) {
        setTimeout(() => {
          written.push(...held.splice(0));
          callback(failWith ?? null);
        }, delayMs);
      },
    },
  );
  return { destination, written };
}

function start(destination: Writable) {
  const diagnostics = captureLogs();
  const monitor = init(
    {
      serviceName: 'destination-flush',
      transport: { type: 'memory' },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
      logs: { destination, export: false },
      diagnostics: { destination: diagnostics.destination },
    },
    {},
  );
  return { monitor, diagnostics };
}

describe('shutdown and the log destination', () => {
  it('resolves once an asynchronous destination has flushed its lines', async () => {
    const { destination, written } = slowDestination(150);
    const { monitor } = start(destination);
    monitor.logger.info('last words');
    await monitor.shutdown({ timeoutMs: 2000 });
    expect(written.join('')).toContain('"msg":"last words"');
  });

  it('a destination that never calls back costs at most the deadline', async () => {
    const { destination } = slowDestination(60_000);
    const { monitor } = start(destination);
    monitor.logger.info('held');
    const began = performance.now();
    await monitor.shutdown({ timeoutMs: 300 });
    expect(performance.now() - began).toBeLessThan(5000);
  });

  it('a flush that fails is reported on the diagnostic log', async () => {
    const { destination } = slowDestination(10, new Error('disk full'));
    const { monitor, diagnostics } = start(destination);
    monitor.logger.info('x');
    await monitor.shutdown({ timeoutMs: 1000 });
    expect(diagnostics.raw.join('')).toContain("logs.destination's flush failed: disk full");
  });
});
