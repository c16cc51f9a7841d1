/**
 * Web bodies (`reply.send(readableStream)`, a fetch `Response`), with and without
 * `fastifyOptions`: one sent in full arrives whole and is recorded as it was answered; one that
 * fails after the headers is the server's failure (the sent status, as an error), not a client
 * that left; a client that leaves one mid-stream is still a 499.
 */
import { request as httpRequest } from 'node:http';
import { init } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { waitFor } from '../../sdk/test/support/net.js';
import {
  completionLines,
  expectFailedAfterHeaders,
  readUntilClosed,
  requestSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { instrumentedApp } from './support/instrumented-app.js';

const { monitor, logs } = capturedMonitor(init, 'fastify-web-bodies');
const apps: Record<string, { app: FastifyInstance; url: string }> = {};

/** Requests whose body source was cancelled (an upstream body must be let go of). */
const cancelled = new Set<string>();

/** `count` text chunks, one every `everyMs`; then the end, or a TypeError when `fail`. */
function webBody(
  count: number,
  everyMs: number,
  fail = false,
  requestId = '',
): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      sent += 1;
      if (sent <= count) controller.enqueue(new TextEncoder().encode(`chunk ${sent}\n`));
      else if (fail) controller.error(new TypeError('upstream read failed'));
      else controller.close();
    },
    cancel() {
      cancelled.add(requestId);
    },
  });
}

function routes(app: FastifyInstance): void {
  app.get('/web-stream', (_request, reply) => reply.type('text/plain').send(webBody(3, 10)));
  app.get('/web-response', () => new Response(webBody(3, 10), { status: 201 }));
  app.get('/broken-web-stream', (_request, reply) =>
    reply.type('text/plain').send(webBody(2, 20, true)),
  );
  app.get('/broken-web-response', () => new Response(webBody(2, 20, true)));
  app.get('/web-stream-fails-at-once', (_request, reply) =>
    reply.type('text/plain').send(webBody(0, 1, true)),
  );
  app.get('/slow-web-stream', (request, reply) =>
    reply.type('text/plain').send(webBody(20, 100, false, String(request.headers['x-request-id']))),
  );
}

beforeAll(async () => {
  const withOptions = await instrumentedApp(monitor);
  const plain = Fastify({ logger: false }) as unknown as FastifyInstance;
  await plain.register(driftwatch, { monitor });
  for (const [name, app] of Object.entries({ fastifyOptions: withOptions, plain })) {
    routes(app);
    apps[name] = { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  }
});

afterAll(async () => {
  for (const { app } of Object.values(apps)) await app.close();
  await monitor.shutdown();
});

const serverSpans = (requestId: string) => requestSpans(monitor, logs, requestId);

/** The one completion line of `requestId`, once it is there (and still alone a little later). */
async function onlyLine(requestId: string): Promise<Record<string, unknown>> {
  const [line] = await waitFor(`the line of ${requestId}`, () => {
    const found = completionLines(logs, requestId);
    return found.length > 0 ? found : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(completionLines(logs, requestId)).toHaveLength(1);
  return line!;
}

describe.each(['fastifyOptions', 'plain'])('web bodies (Fastify, %s)', (name) => {
  it.each([
    ['/web-stream', 200],
    ['/web-response', 201],
  ])('%s sent in full: whole, recorded with its status', async (path, status) => {
    const requestId = `${name}-ok${path.replaceAll('/', '-')}`;
    const response = await fetch(`${apps[name]!.url}${path}`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe('chunk 1\nchunk 2\nchunk 3\n');
    expect(await onlyLine(requestId)).toMatchObject({ res: { statusCode: status } });
    const [span] = await serverSpans(requestId);
    expect(span?.attributes?.['http.response.status_code']).toBe(status);
    expect(span?.attributes?.['error.type']).toBeUndefined();
    expect(span?.status?.code).not.toBe('ERROR');
  });

  it.each(['/broken-web-stream', '/broken-web-response'])(
    '%s failing after the headers: the sent status, as an error',
    async (path) => {
      const requestId = `${name}${path.replaceAll('/', '-')}`;
      await readUntilClosed(`${apps[name]!.url}${path}`, requestId);
      expect(await onlyLine(requestId)).toMatchObject({ res: { statusCode: 200 } });
      const spans = await serverSpans(requestId);
      expect(spans).toHaveLength(1);
      await expectFailedAfterHeaders(monitor, spans[0]!, {
        route: path,
        statusCode: 200,
        errorType: 'TypeError',
      });
    },
  );

  it('a web stream failing before the headers: answered 500, recorded with its error', async () => {
    const requestId = `${name}-web-fails-at-once`;
    const response = await fetch(`${apps[name]!.url}/web-stream-fails-at-once`, {
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(500);
    expect(await onlyLine(requestId)).toMatchObject({ res: { statusCode: 500 } });
    const [span] = await serverSpans(requestId);
    expect(span?.attributes).toMatchObject({
      'http.response.status_code': 500,
      'error.type': 'TypeError',
    });
  });

  it('HEAD of a web stream route: answered without a body, the body cancelled', async () => {
    const requestId = `${name}-web-head`;
    const response = await fetch(`${apps[name]!.url}/slow-web-stream`, {
      method: 'HEAD',
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await waitFor('the body cancelled', () => (cancelled.has(requestId) ? true : undefined));
    expect(await onlyLine(requestId)).toMatchObject({ res: { statusCode: 200 } });
  });

  it('a client that leaves a web stream mid-way: 499, the body cancelled', async () => {
    const requestId = `${name}-web-left`;
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${apps[name]!.url}/slow-web-stream`, {
        headers: { 'x-request-id': requestId },
      });
      outgoing.on('response', (response) => response.on('data', () => undefined));
      outgoing.on('error', () => resolve());
      outgoing.on('close', () => resolve());
      outgoing.end();
      setTimeout(() => outgoing.destroy(), 350);
    });
    expect(await onlyLine(requestId)).toMatchObject({ res: { statusCode: 499 } });
    // Fastify cancels what it reads; the plugin's stream passes that on to the body itself.
    await waitFor('the body cancelled', () => (cancelled.has(requestId) ? true : undefined));
    const [span] = await serverSpans(requestId);
    expect(span?.attributes?.['http.response.status_code']).toBe(499);
    expect(span?.attributes?.['error.type']).toBeUndefined();
  });
});
