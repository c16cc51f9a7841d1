/**
 * Test helper: what the SDK recorded for HTTP requests, read the same way by the Fastify and
 * Express tests (completion lines, SERVER spans and duration points of a memory-transport
 * monitor), and a raw HTTP/1.1 exchange for what `fetch` cannot send (pipelining, upgrades).
 */
import { connect } from 'node:net';
import type { MemoryTransport, Monitor } from '../../src/index.js';
import type { LogCapture } from './log-capture.js';

/** The "request completed" lines of one request id. */
export function completionLines(
  logs: LogCapture,
  requestId: string,
): Array<Record<string, unknown>> {
  return logs.lines.filter(
    (line) => line.request_id === requestId && line.msg === 'request completed',
  );
}

/** The SERVER spans exported so far (the monitor is flushed first). */
export async function serverSpans(monitor: Monitor) {
  await monitor.flush();
  return (monitor.transport as MemoryTransport)
    .items('spans')
    .filter((span) => span.kind === 'SERVER');
}

/** The `http.server.request.duration` points exported so far (the monitor is flushed first). */
export async function durationPoints(monitor: Monitor) {
  await monitor.flush();
  return (monitor.transport as MemoryTransport)
    .items('metrics')
    .filter((point) => point.name === 'http.server.request.duration');
}

/**
 * Writes `raw` on a new connection to `port` and resolves with everything read until the server
 * closes it, or until `done(received)` says enough (the socket is then destroyed).
 */
export function rawExchange(
  port: number,
  raw: string,
  done?: (received: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      received += data;
      if (done?.(received)) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(raw);
  });
}
