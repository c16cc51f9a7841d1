/**
 * `driftwatchErrors(monitor)` logs a route's error that ends in a 5xx through the SDK's logger,
 * with its stack and the request's ids, as the Fastify plugin does (Express's own final handler
 * only prints the stack to stderr, without ids). A 4xx error is the client's and is not logged as
 * an error; one that comes after the response was answered is logged by its own status; one that
 * says the client left (a pipeline to a response it left) is not logged: the request is a 499.
 */
import { request as httpRequest } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { init, type Monitor } from '@driftwatch/sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { driftwatch, driftwatchErrors } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

/** An application's error class, with no HTTP status of its own. */
class ValidationError extends Error {}

let monitor: Monitor;
let logs: LogCapture;
let server: Listening;
/** Settles once /fails-after-abort's handler runs, for the client to go away then. */
let handlerStarted: () => void = () => undefined;
const started = new Promise<void>((resolve) => (handlerStarted = resolve));

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'express-error-logs'));
  const app = express();
  app.use(driftwatch(monitor));
  app.get('/throws', () => {
    throw new RangeError('kaput');
  });
  app.get('/rejects', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new TypeError('kaput later');
  });
  app.get('/bad', () => {
    throw Object.assign(new Error('bad input'), { status: 400 });
  });
  app.get('/missing', (_request, response, next) => {
    // Express's final handler answers with this status: the error carries none.
    response.status(404);
    next(new Error('no such item'));
  });
  // A sub-app instrumented on its own, mounted in an instrumented app: both recorders see it.
  const shop = express();
  shop.use(driftwatch(monitor));
  shop.get('/items/:id', () => {
    throw new Error('db down');
  });
  shop.use(driftwatchErrors(monitor));
  app.use('/shop/:tenant', shop);
  app.get('/invalid', () => {
    throw new ValidationError('age must be a number');
  });
  app.get('/invalid-late', (_request, response, next) => {
    // Headers out, then the error: whatever the application's handler does, the response failed.
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('partial');
    next(new ValidationError('too late'));
  });
  app.get('/fails-after-abort', (_request, response, next) => {
    // The client is gone before the handler fails (a slow query that times out after it).
    response.once('close', () => setImmediate(() => next(new Error('query timed out'))));
    handlerStarted();
  });
  // Answered, then failed (an audit write after the answer): the 200 sent says nothing of it.
  app.get('/fails-after-answer', (_request, response) => {
    response.json({ saved: true });
    throw new Error('audit write failed');
  });
  app.get('/rejects-after-answer', async (_request, response) => {
    response.json({ saved: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error('audit write failed later');
  });
  // Rows until the client leaves; pipeline() then fails with ERR_STREAM_PREMATURE_CLOSE.
  app.get('/export', (_request, response, next) => {
    const source = new Readable({
      read() {
        setTimeout(() => this.push('row\n'), 20);
      },
    });
    response.type('text/plain');
    pipeline(source, response, (error) => {
      if (error) next(error);
    });
  });
  app.use(driftwatchErrors(monitor));
  // The application's own error handler, after the recorder as the README places it: it answers
  // its validation errors with a 400 and passes the rest on.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (!(error instanceof ValidationError) || response.headersSent) return next(error);
    response.status(400).json({ message: error.message });
  });
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

beforeEach(() => {
  logs.lines.length = 0;
  logs.raw.length = 0;
});

async function linesOf(path: string) {
  const response = await fetch(`${server.baseUrl}${path}`);
  await response.arrayBuffer();
  const requestId = response.headers.get('x-request-id');
  const lines = await vi.waitFor(() => {
    const found = logs.lines.filter((line) => line.request_id === requestId);
    expect(found.map((line) => line.msg)).toContain('request completed');
    return found;
  });
  return { status: response.status, lines };
}

describe('route errors in the logs (Express)', () => {
  it.each([
    ['/throws', 'kaput', 'RangeError'],
    ['/rejects', 'kaput later', 'TypeError'],
  ])('%s: one error line with the stack and the request ids', async (path, message, type) => {
    const { status, lines } = await linesOf(path);
    expect(status).toBe(500);
    const errors = lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: message, err: { type, message } });
    expect(String((errors[0]!.err as { stack?: string }).stack)).toContain(`${type}: ${message}`);
    const completed = lines.find((line) => line.msg === 'request completed');
    expect(errors[0]).toMatchObject({
      trace_id: completed?.trace_id,
      span_id: completed?.span_id,
    });
  });

  it('a 4xx error is not logged as an error', async () => {
    const { status, lines } = await linesOf('/bad');
    expect(status).toBe(400);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('an error without a status after res.status(404): a 404, not logged as an error', async () => {
    const { status, lines } = await linesOf('/missing');
    expect(status).toBe(404);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("an error the application's own handler answers with a 4xx is not logged as an error", async () => {
    const { status, lines } = await linesOf('/invalid');
    expect(status).toBe(400);
    expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it('an error passed on after the headers went out is logged: the response failed', async () => {
    const response = await fetch(`${server.baseUrl}/invalid-late`);
    const requestId = response.headers.get('x-request-id');
    await response.text().catch(() => undefined);
    const errors = await vi.waitFor(() => {
      const found = logs.lines.filter((line) => line.request_id === requestId);
      expect(found.map((line) => line.msg)).toContain('request completed');
      return found.filter((line) => line.level === 50);
    });
    expect(errors.map((line) => line.msg)).toEqual(['too late']);
  });

  it('an error passed on after the client went away is logged, with the request ids', async () => {
    const client = new AbortController();
    const request = fetch(`${server.baseUrl}/fails-after-abort`, { signal: client.signal });
    await started;
    client.abort();
    await request.catch(() => undefined);
    const errors = await vi.waitFor(() => {
      const found = logs.lines.filter((line) => line.msg === 'query timed out');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(errors[0]).toMatchObject({ level: 50, request_id: expect.any(String) });
    expect(errors[0]!.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['/fails-after-answer', 'audit write failed'],
    ['/rejects-after-answer', 'audit write failed later'],
  ])(
    '%s: an error after the answer is logged once, with the request ids',
    async (path, message) => {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status).toBe(200);
      await response.text().catch(() => undefined);
      const requestId = response.headers.get('x-request-id');
      const lines = await vi.waitFor(() => {
        const found = logs.lines.filter((line) => line.request_id === requestId);
        expect(found.map((line) => line.msg).sort()).toEqual([message, 'request completed']);
        return found;
      });
      const completed = lines.find((line) => line.msg === 'request completed');
      expect(completed).toMatchObject({ res: { statusCode: 200 } });
      expect(lines.find((line) => line.msg === message)).toMatchObject({
        level: 50,
        trace_id: completed?.trace_id,
        err: { message },
      });
    },
  );

  it('a pipeline error passed on as the client left a download: a 499, not logged as an error', async () => {
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${server.baseUrl}/export`, {
        headers: { 'x-request-id': 'express-download-left' },
      });
      outgoing.on('response', (response) => response.once('data', () => outgoing.destroy()));
      outgoing.on('error', () => undefined);
      outgoing.on('close', () => resolve());
      outgoing.end();
    });
    const completed = await vi.waitFor(() => {
      const found = logs.lines.find(
        (line) => line.request_id === 'express-download-left' && line.msg === 'request completed',
      );
      expect(found).toBeDefined();
      return found;
    });
    expect(completed).toMatchObject({ res: { statusCode: 499 } });
    // The pipeline's callback runs once the response closed: time for a line it would write.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logs.lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
  });

  it("an error that passes a sub-app's recorder and its parent's: logged once", async () => {
    const { status, lines } = await linesOf('/shop/acme/items/1');
    expect(status).toBe(500);
    // Logged when the response closes, before the completion line, by the first recorder alone.
    const errors = lines.filter((line) => line.level === 50);
    expect(errors.map((line) => line.msg)).toEqual(['db down']);
  });
});
