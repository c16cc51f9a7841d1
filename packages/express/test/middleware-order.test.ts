/**
 * Mistakes in the order of `app.use()` calls must not turn into errors in the host app: a route
 * that answered and then called `next()` before `driftwatch()` leaves the middleware a response
 * whose headers are sent, so it cannot echo `x-request-id`, but it still records the request.
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
  app.use(driftwatch(monitor));
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
});
