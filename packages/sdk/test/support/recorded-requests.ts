/**
 * Test helper: what the SDK recorded for HTTP requests, read the same way by the Fastify and
 * Express tests (completion lines, SERVER spans and duration points of a memory-transport
 * monitor), and a raw HTTP/1.1 exchange for what `fetch` cannot send (pipelining, upgrades).
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'vitest';
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

/** The SERVER spans of the trace of the first line that carries `requestId`. */
export async function requestSpans(monitor: Monitor, logs: LogCapture, requestId: string) {
  const line = logs.lines.find((entry) => entry.request_id === requestId);
  return (await serverSpans(monitor)).filter((span) => span.traceId === line?.trace_id);
}

/** The `http.server.request.duration` points exported so far (the monitor is flushed first). */
export async function durationPoints(monitor: Monitor) {
  await monitor.flush();
  return (monitor.transport as MemoryTransport)
    .items('metrics')
    .filter((point) => point.name === 'http.server.request.duration');
}

/** GETs `url` with `x-request-id` and reads until the response closes, cut short or not. */
export function readUntilClosed(url: string, requestId: string): Promise<void> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(url, { headers: { 'x-request-id': requestId } });
    outgoing.on('response', (response) => {
      response.on('data', () => undefined);
      response.on('error', () => undefined);
      response.on('close', () => resolve());
    });
    outgoing.on('error', () => resolve());
    outgoing.end();
  });
}

/**
 * Checks how a request the server failed after its headers went out was recorded: the status
 * that was sent, and an error all the same (span status, `error.type`, the exception event, and
 * `error.type` on the route's last duration point).
 */
export async function expectFailedAfterHeaders(
  monitor: Monitor,
  span: Awaited<ReturnType<typeof serverSpans>>[number],
  expected: { readonly route: string; readonly statusCode: number; readonly errorType: string },
): Promise<void> {
  const marks = {
    'http.response.status_code': expected.statusCode,
    'error.type': expected.errorType,
  };
  expect(span.status).toEqual({ code: 'ERROR' });
  expect(span.attributes).toMatchObject(marks);
  expect(span.events?.map((event) => event.name)).toEqual(['exception']);
  const points = (await durationPoints(monitor)).filter(
    (point) => point.attributes?.['http.route'] === expected.route,
  );
  expect(points.at(-1)?.attributes).toMatchObject(marks);
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
