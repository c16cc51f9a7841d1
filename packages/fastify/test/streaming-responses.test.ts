/**
 * Long-lived Fastify responses: Server-Sent Events written on `reply.raw` after `hijack()`, a
 * `reply.send(stream)` over about a second, and a POST whose body was read before the client
 * left. Each is recorded once, at its real end (the duration covers the whole stream), the
 * context is kept in the stream's callbacks, and a client gone mid-stream is a 499.
 */
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import {
  completionLines,
  expectFailedAfterHeaders,
  readUntilClosed,
  requestSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { driftwatch } from '../src/index.js';
import { instrumentedApp } from './support/instrumented-app.js';

let monitor: Monitor;
let app: FastifyInstance;
let logs: LogCapture;
let baseUrl: string;

/** A body that pushes `count` chunks, one every `everyMs`, logging from its timer callbacks. */
function slowBody(count: number, everyMs: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        sent += 1;
        monitor.logger.info({ chunk: sent }, 'chunk');
        this.push(sent > count ? null : `chunk ${sent}\n`);
      }, everyMs);
    },
  });
}

/**
 * Two chunks, then the source fails (a file read error, a broken upstream): the headers and part
 * of the body are out, and Fastify destroys the response.
 */
function sendBrokenBody(_request: FastifyRequest, reply: FastifyReply) {
  let pushed = 0;
  const body = new Readable({
    read() {
      pushed += 1;
      if (pushed <= 2) this.push(`chunk ${pushed}\n`);
      else setTimeout(() => this.destroy(new TypeError('upstream read failed')), 50);
    },
  });
  return reply.type('text/plain').send(body);
}

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-streams'));
  app = await instrumentedApp(monitor);
  app.get('/events', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'x-request-id': monitor.activeContext()?.requestId ?? '',
    });
    let sent = 0;
    const timer = setInterval(() => {
      sent += 1;
      monitor.logger.info({ event: sent }, 'event');
      if (sent >= 5) {
        clearInterval(timer);
        reply.raw.end(`data: ${sent}\n\n`);
      } else reply.raw.write(`data: ${sent}\n\n`);
    }, 200);
    request.raw.on('close', () => clearInterval(timer));
  });
  app.get('/download', (_request, reply) => reply.type('text/plain').send(slowBody(5, 200)));
  app.post('/download', (_request, reply) => reply.type('text/plain').send(slowBody(20, 100)));
  app.get('/broken-download', sendBrokenBody);
  app.post('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { done: true };
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

const serverSpans = (requestId: string) => requestSpans(monitor, logs, requestId);

/** Sends a request with `x-request-id` and destroys the connection after `afterMs`. */
function abandon(method: string, url: string, requestId: string, afterMs: number, body?: string) {
  return new Promise<void>((resolve) => {
    const outgoing = httpRequest(
      url,
      {
        method,
        headers: {
          'x-request-id': requestId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('error', () => undefined);
      },
    );
    outgoing.on('error', () => resolve());
    outgoing.on('close', () => resolve());
    outgoing.end(body);
    setTimeout(() => outgoing.destroy(), afterMs);
  });
}

describe('long-lived responses (Fastify)', () => {
  it.each([
    ['SSE on a hijacked reply', '/events', 'event'],
    ['reply.send(stream)', '/download', 'chunk'],
  ])(
    '%s: one span and one line at the real end, with the context in its callbacks',
    async (_name, path, message) => {
      const requestId = `stream-${path.slice(1)}`;
      const started = performance.now();
      const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-request-id': requestId } });
      const text = await response.text();
      const elapsedMs = performance.now() - started;
      expect(response.headers.get('x-request-id')).toBe(requestId);
      expect(text.split('\n').filter(Boolean)).toHaveLength(5);
      const lines = await waitFor('the completion line', () => {
        const found = completionLines(logs, requestId);
        return found.length > 0 ? found : undefined;
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]!.responseTime as number).toBeGreaterThanOrEqual(800);
      expect(lines[0]!.responseTime as number).toBeLessThanOrEqual(elapsedMs + 50);
      // Every line logged from the stream's timers carries the request's ids.
      const fromStream = logs.lines.filter((line) => line.msg === message);
      expect(fromStream.length).toBeGreaterThanOrEqual(5);
      expect(fromStream.every((line) => line.request_id === requestId)).toBe(true);
      const spans = await serverSpans(requestId);
      expect(spans).toHaveLength(1);
      const span = spans[0]!;
      const spanMs = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
      expect(spanMs).toBeGreaterThanOrEqual(800);
      expect(span.attributes?.['http.response.status_code']).toBe(200);
    },
  );

  it.each([
    ['SSE on a hijacked reply', 'GET', '/events', undefined],
    ['reply.send(stream) to a GET', 'GET', '/download', undefined],
    ['reply.send(stream) to a POST whose body was read', 'POST', '/download', '{"a":1}'],
    ['a slow handler of a POST whose body was read', 'POST', '/slow', '{"a":1}'],
  ])('%s, abandoned by the client: recorded once, as 499', async (_name, method, path, body) => {
    const requestId = `abandon-${method}-${path.slice(1)}`;
    await abandon(method, `${baseUrl}${path}`, requestId, 250, body);
    const lines = await waitFor(
      'the abandoned request recorded',
      () => {
        const found = completionLines(logs, requestId);
        return found.length > 0 ? found : undefined;
      },
      5000,
    );
    // The handler or stream goes on for a while: nothing may end the request a second time.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(completionLines(logs, requestId)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 } });
    const spans = await serverSpans(requestId);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.response.status_code']).toBe(499);
  });

  it('a body stream that fails after the headers were sent: the server failed, not the client', async () => {
    const requestId = 'stream-broken';
    await readUntilClosed(`${baseUrl}/broken-download`, requestId);
    const lines = await waitFor('the failed stream recorded', () => {
      const found = completionLines(logs, requestId);
      return found.length > 0 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(completionLines(logs, requestId)).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      res: { statusCode: 200 },
      req: { route: '/broken-download' },
    });
    const spans = await serverSpans(requestId);
    expect(spans).toHaveLength(1);
    await expectFailedAfterHeaders(monitor, spans[0]!, {
      route: '/broken-download',
      statusCode: 200,
      errorType: 'TypeError',
    });
    // Fastify's own warning about it is still logged, with the request's ids.
    expect(
      logs.lines.find(
        (line) =>
          line.request_id === requestId &&
          line.msg === 'response terminated with an error with headers already sent',
      ),
    ).toBeDefined();
  });
});

describe('a failed body stream without fastifyOptions (Fastify logging on its own)', () => {
  it('is recorded with the sent status as an error; a client leaving a stream is still 499', async () => {
    const plain = Fastify({ logger: false });
    await plain.register(driftwatch, { monitor });
    plain.get('/broken-download', sendBrokenBody);
    plain.get('/download', (_request, reply) => reply.type('text/plain').send(slowBody(5, 200)));
    const plainUrl = await plain.listen({ port: 0, host: '127.0.0.1' });
    try {
      await readUntilClosed(`${plainUrl}/broken-download`, 'plain-stream-broken');
      const [line] = await waitFor('the failed stream recorded', () => {
        const found = completionLines(logs, 'plain-stream-broken');
        return found.length > 0 ? found : undefined;
      });
      expect(line).toMatchObject({ res: { statusCode: 200 }, req: { route: '/broken-download' } });
      const spans = await serverSpans('plain-stream-broken');
      expect(spans).toHaveLength(1);
      await expectFailedAfterHeaders(monitor, spans[0]!, {
        route: '/broken-download',
        statusCode: 200,
        errorType: 'TypeError',
      });

      await abandon('GET', `${plainUrl}/download`, 'plain-stream-left', 250);
      const [left] = await waitFor('the abandoned stream recorded', () => {
        const found = completionLines(logs, 'plain-stream-left');
        return found.length > 0 ? found : undefined;
      });
      expect(left).toMatchObject({ res: { statusCode: 499 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(completionLines(logs, 'plain-stream-left')).toHaveLength(1);
    } finally {
      await plain.close();
    }
  });
});
