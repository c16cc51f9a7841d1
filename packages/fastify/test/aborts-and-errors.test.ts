/**
 * Fastify requests that do not end normally: a client that goes away before the response (slow
 * handler, or mid-way through a streamed body) still gets its span, duration sample and
 * completion line, once, as 499; a handler that throws is logged by Fastify with its stack (the
 * plugin replaces only Fastify's two request lines).
 */
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { instrumentedApp } from './support/instrumented-app.js';

let monitor: Monitor;
let app: FastifyInstance;
let logs: LogCapture;
let baseUrl: string;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-aborts'));
  app = await instrumentedApp(monitor);
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { done: true };
  });
  app.get('/stream', (_request, reply) => {
    let sent = 0;
    const body = new Readable({
      read() {
        sent += 1;
        // A first chunk at once, then nothing for a while: the client leaves in between.
        if (sent === 1) this.push('first chunk\n');
        else setTimeout(() => this.push(sent > 20 ? null : 'more\n'), 100);
      },
    });
    return reply.type('text/plain').send(body);
  });
  app.get('/boom', async () => {
    throw new Error('kaput');
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

/** GETs `path` and destroys the connection after `afterMs`; resolves with the request id. */
function abandon(path: string, afterMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let requestId: string | undefined;
    const outgoing = httpRequest(`${baseUrl}${path}`, (response) => {
      requestId = response.headers['x-request-id'] as string | undefined;
      response.on('data', () => undefined);
      response.on('error', () => undefined);
    });
    outgoing.on('error', () => resolve(requestId));
    outgoing.on('close', () => resolve(requestId));
    outgoing.end();
    setTimeout(() => outgoing.destroy(), afterMs);
  });
}

async function recorded(path: string) {
  await monitor.flush();
  const transport = monitor.transport as MemoryTransport;
  const lines = logs.lines.filter(
    (line) => line.msg === 'request completed' && (line.req as { url?: string }).url === path,
  );
  const spans = transport
    .items('spans')
    .filter((span) => span.kind === 'SERVER' && span.attributes?.['url.path'] === path);
  const durations = transport
    .items('metrics')
    .filter(
      (point) =>
        point.name === 'http.server.request.duration' &&
        point.attributes?.['http.route'] === path &&
        point.attributes['http.response.status_code'] === 499,
    );
  return { lines, spans, durations: durations.at(-1) };
}

describe('aborted requests (Fastify)', () => {
  it('a client gone before a slow handler answered: one span, one sample, one line, as 499', async () => {
    await abandon('/slow', 50);
    // The handler still finishes later: it must not end the request a second time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { lines, spans, durations } = await recorded('/slow');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 }, req: { route: '/slow' } });
    expect(typeof lines[0]!.request_id).toBe('string');
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes?.['http.response.status_code']).toBe(499);
    expect(durations).toMatchObject({ type: 'histogram', count: 1 });
  });

  it('a client gone mid-way through a streamed body: recorded once, as 499', async () => {
    const requestId = await abandon('/stream', 150);
    expect(requestId).toBeDefined();
    const { lines, spans } = await waitFor('the aborted stream recorded', async () => {
      const found = await recorded('/stream');
      return found.lines.length > 0 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ request_id: requestId, res: { statusCode: 499 } });
    expect(spans).toHaveLength(1);
  });
});

describe('handler errors (Fastify)', () => {
  it('are logged by Fastify with their stack and the request ids, besides the completion line', async () => {
    const response = await fetch(`${baseUrl}/boom`);
    expect(response.status).toBe(500);
    const requestId = response.headers.get('x-request-id');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ofRequest = logs.lines.filter((line) => line.request_id === requestId);
    const error = ofRequest.find((line) => line.level === 50);
    expect(error).toMatchObject({ msg: 'kaput', err: { message: 'kaput' } });
    expect(String((error?.err as { stack?: string }).stack)).toContain('Error: kaput');
    expect(typeof error?.trace_id).toBe('string');
    // Fastify's own request lines stay replaced by the plugin's single completion line.
    expect(ofRequest.map((line) => line.msg).filter((msg) => msg !== 'kaput')).toEqual([
      'request completed',
    ]);
  });
});
