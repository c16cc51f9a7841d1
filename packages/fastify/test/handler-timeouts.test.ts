/**
 * Requests Fastify's `handlerTimeout` (5.12) ends. Its timer starts before any hook, outside the
 * request context, yet what runs when it fires (the handler's `request.signal` abort listeners,
 * Fastify's "Request timed out" error line) carries the request's ids. A streamed response the
 * timeout cuts after its headers went out is the server's failure (the sent status, as an
 * error), not the client's (499), over HTTP/1 and HTTP/2 alike. An `onRequest` hook registered
 * before the plugin that listens on `request.signal` logs with the ids too.
 */
import { connect } from 'node:http2';
import { Readable } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import {
  completionLines,
  expectFailedAfterHeaders,
  readUntilClosed,
  serverSpans,
} from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

const TIMEOUT_MS = 200;

let monitor: Monitor;
let logs: LogCapture;
let app: FastifyInstance;
let plain: FastifyInstance;
let h2: FastifyInstance;
let h2Plain: FastifyInstance;
let early: FastifyInstance;
let baseUrl: string;
let plainUrl: string;
let h2Url: string;
let h2PlainUrl: string;
let earlyUrl: string;

/** Waits for the timeout's abort, logging from the signal's listener as a handler would. */
async function cancellable(request: FastifyRequest, reply: FastifyReply) {
  await new Promise<void>((resolve) => {
    request.signal.addEventListener('abort', () => {
      request.log.warn('model call cancelled');
      monitor.logger.warn('cancelled, said through monitor.logger');
      resolve();
    });
  });
  return reply;
}

/** A first chunk at once (the headers go out with it), then nothing: the timeout cuts it. */
function stalledStream(_request: FastifyRequest, reply: FastifyReply) {
  let reads = 0;
  const body = new Readable({
    read() {
      reads += 1;
      if (reads === 1) this.push('first chunk\n');
    },
  });
  return reply.type('text/plain').send(body);
}

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-handler-timeouts'));
  // The server option on one app, the route option on the other.
  app = Fastify({
    ...fastifyOptions(monitor),
    handlerTimeout: TIMEOUT_MS,
  }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  app.get('/predict', cancellable);
  app.get('/stalled-stream', stalledStream);
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });

  // Without fastifyOptions: Fastify's own logger, no completion-line controller.
  plain = Fastify({ logger: false });
  await plain.register(driftwatch, { monitor });
  plain.get('/stalled-stream', { handlerTimeout: TIMEOUT_MS }, stalledStream);
  plainUrl = await plain.listen({ port: 0, host: '127.0.0.1' });

  // HTTP/2 (h2c), with and without fastifyOptions.
  h2 = Fastify({
    ...fastifyOptions(monitor),
    http2: true,
    handlerTimeout: TIMEOUT_MS,
  }) as unknown as FastifyInstance;
  await h2.register(driftwatch, { monitor });
  h2.get('/stalled-stream', stalledStream);
  h2Url = await h2.listen({ port: 0, host: '127.0.0.1' });
  h2Plain = Fastify({
    http2: true,
    logger: false,
    handlerTimeout: TIMEOUT_MS,
  }) as unknown as FastifyInstance;
  await h2Plain.register(driftwatch, { monitor });
  h2Plain.get('/stalled-stream', stalledStream);
  h2PlainUrl = await h2Plain.listen({ port: 0, host: '127.0.0.1' });

  // An app hook registered before the plugin, listening on the signal before the plugin does.
  early = Fastify({
    ...fastifyOptions(monitor),
    handlerTimeout: TIMEOUT_MS,
  }) as unknown as FastifyInstance;
  early.addHook('onRequest', (request, _reply, done) => {
    request.signal.addEventListener('abort', () => {
      request.log.warn('early hook: cancelled');
      monitor.logger.warn('early hook: cancelled, said through monitor.logger');
    });
    done();
  });
  await early.register(driftwatch, { monitor });
  early.get('/predict', cancellable);
  earlyUrl = await early.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await plain.close();
  await h2.close();
  await h2Plain.close();
  await early.close();
  await monitor.shutdown();
});

/** The HTTP/2 counterpart of readUntilClosed: a GET read until its stream closes, cut or not. */
function readStreamUntilClosed(url: string, requestId: string): Promise<void> {
  return new Promise((resolve) => {
    const session = connect(url);
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/stalled-stream', 'x-request-id': requestId });
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.on('close', () => {
      session.close();
      resolve();
    });
  });
}

async function recordedOnce(requestId: string) {
  const [line] = await waitFor('the completion line', () => {
    const found = completionLines(logs, requestId);
    return found.length > 0 ? found : undefined;
  });
  // The span and duration are recorded with the line: a second end would show by now.
  const spans = (await serverSpans(monitor)).filter((span) => span.traceId === line!.trace_id);
  expect(completionLines(logs, requestId)).toHaveLength(1);
  expect(spans).toHaveLength(1);
  return { line: line!, span: spans[0]! };
}

describe('handlerTimeout (Fastify 5.12)', () => {
  it('lines logged when it fires (abort listeners, Fastify error line) carry the ids', async () => {
    const response = await fetch(`${baseUrl}/predict`, { headers: { 'x-request-id': 'ht-ids' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('x-request-id')).toBe('ht-ids');
    const { line } = await recordedOnce('ht-ids');
    expect(line).toMatchObject({ res: { statusCode: 503 }, req: { route: '/predict' } });
    const ids = { request_id: 'ht-ids', trace_id: line.trace_id, span_id: line.span_id };
    for (const message of [
      'model call cancelled',
      'cancelled, said through monitor.logger',
      `Request timed out after ${TIMEOUT_MS} ms on route '/predict'`,
    ]) {
      expect(logs.lines.find((entry) => entry.msg === message)).toMatchObject(ids);
    }
  });

  it.each([
    ['with fastifyOptions', () => baseUrl],
    ['without fastifyOptions', () => plainUrl],
  ])(
    'a stream it cuts after the headers (%s): the sent status, as an error, not 499',
    async (_case, url) => {
      const requestId = `ht-stream-${url() === baseUrl ? 'options' : 'plain'}`;
      await readUntilClosed(`${url()}/stalled-stream`, requestId);
      const { line, span } = await recordedOnce(requestId);
      expect(line).toMatchObject({ res: { statusCode: 200 }, req: { route: '/stalled-stream' } });
      await expectFailedAfterHeaders(monitor, span, {
        route: '/stalled-stream',
        statusCode: 200,
        errorType: 'FastifyError',
      });
    },
  );

  it.each([
    ['with fastifyOptions', () => h2Url],
    ['without fastifyOptions', () => h2PlainUrl],
  ])(
    'an HTTP/2 stream it cuts after the headers (%s): as over HTTP/1, not 499',
    async (_case, url) => {
      const requestId = `ht-h2-stream-${url() === h2Url ? 'options' : 'plain'}`;
      await readStreamUntilClosed(url(), requestId);
      const { line, span } = await recordedOnce(requestId);
      expect(line).toMatchObject({ res: { statusCode: 200 }, req: { route: '/stalled-stream' } });
      await expectFailedAfterHeaders(monitor, span, {
        route: '/stalled-stream',
        statusCode: 200,
        errorType: 'FastifyError',
      });
    },
  );

  it('an abort listener of an onRequest hook registered before the plugin logs with the ids', async () => {
    const response = await fetch(`${earlyUrl}/predict`, {
      headers: { 'x-request-id': 'ht-early-hook' },
    });
    expect(response.status).toBe(503);
    const { line } = await recordedOnce('ht-early-hook');
    const ids = { request_id: 'ht-early-hook', trace_id: line.trace_id, span_id: line.span_id };
    for (const message of [
      'early hook: cancelled',
      'early hook: cancelled, said through monitor.logger',
      'model call cancelled',
      `Request timed out after ${TIMEOUT_MS} ms on route '/predict'`,
    ]) {
      expect(logs.lines.filter((entry) => entry.msg === message).at(-1)).toMatchObject(ids);
    }
  });
});
