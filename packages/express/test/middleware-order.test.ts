/**
 * Mistakes in the order of `app.use()` calls must not turn into errors in the host app: a route
 * that answered and then called `next()` before `driftwatch()` leaves the middleware a response
 * whose headers are sent, so it cannot echo `x-request-id`, but it still records the request,
 * even when its response closed before the middleware ran (`next()` called later, or a client
 * gone while a slow middleware before it ran).
 */
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let server: Listening;
const hostErrors: unknown[] = [];
/** Settles once /slow-before's middleware runs, for the client to go away then. */
let slowStarted: () => void = () => undefined;
const slowRunning = new Promise<void>((resolve) => (slowStarted = resolve));

beforeAll(async () => {
  monitor = init(
    {
      serviceName: 'express-middleware-order',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  const app = express();
  // Answers, then goes on (e.g. to a later audit middleware): driftwatch() comes too late.
  app.get('/answered-early', (_request, response, next) => {
    response.json({ ok: true });
    next();
  });
  // Goes on only once the response has closed: driftwatch() never sees its 'close'.
  app.get('/answered-then-later', (_request, response, next) => {
    response.json({ ok: true });
    response.once('close', () => setTimeout(next, 10));
  });
  // A slow middleware (a session store, a rate limiter) before driftwatch().
  app.use('/slow-before', (_request, _response, next) => {
    slowStarted();
    setTimeout(next, 200);
  });
  app.use(driftwatch(monitor));
  app.get('/slow-before', (_request, response) => {
    response.json({ ok: true });
  });
  app.use((error: unknown, _request: Request, _response: Response, next: NextFunction) => {
    hostErrors.push(error);
    next(error);
  });
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

describe('driftwatch() after a response was sent (Express)', () => {
  it('throws nothing into the host and still records the request once', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(`${server.baseUrl}/answered-early`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
    }
    await vi.waitFor(async () => {
      await monitor.flush();
      const spans = (monitor.transport as MemoryTransport)
        .items('spans')
        .filter((span) => span.attributes?.['url.path'] === '/answered-early');
      expect(spans).toHaveLength(2);
    });
    expect(hostErrors).toEqual([]);
  });

  it.each([
    ['/answered-then-later', 200],
    ['/slow-before', 499],
  ])(
    '%s: a response closed before the middleware ran is still recorded once',
    async (path, status) => {
      const client = new AbortController();
      const answered = fetch(`${server.baseUrl}${path}`, { signal: client.signal }).then(
        async (response) => response.json() as Promise<unknown>,
      );
      if (path === '/slow-before') {
        await slowRunning;
        client.abort();
      }
      await answered.catch(() => undefined);
      const spans = await vi.waitFor(async () => {
        await monitor.flush();
        const found = (monitor.transport as MemoryTransport)
          .items('spans')
          .filter((span) => span.attributes?.['url.path'] === path);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(spans[0]?.attributes?.['http.response.status_code']).toBe(status);
      // Nothing more comes later.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await monitor.flush();
      expect(
        (monitor.transport as MemoryTransport)
          .items('spans')
          .filter((span) => span.attributes?.['url.path'] === path),
      ).toHaveLength(1);
      expect(hostErrors).toEqual([]);
    },
  );
});
