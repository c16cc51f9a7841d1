/**
 * Behind a trusted proxy (`trust proxy`), Express takes the scheme from the first
 * `X-Forwarded-Proto` value, which a client can write itself: `url.scheme` must stay `http` or
 * `https`, or every made-up value would be a new duration series until the cap overflows.
 */
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { durationPoints, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let server: Listening;

beforeAll(async () => {
  monitor = init(
    {
      serviceName: 'express-forwarded-scheme',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  const app = express();
  app.set('trust proxy', true);
  app.use(driftwatch(monitor));
  app.get('/items/:id', (_request, response) => {
    response.json({ ok: true });
  });
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

describe('url.scheme behind a trusted proxy (Express)', () => {
  it('is https or http, whatever X-Forwarded-Proto says', async () => {
    for (const forwarded of ['https', 'made-up-1', 'made-up-2, https', 'http']) {
      const response = await fetch(`${server.baseUrl}/items/1`, {
        headers: { 'x-forwarded-proto': forwarded },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const schemes = (await serverSpans(monitor)).map((span) => span.attributes?.['url.scheme']);
    expect(schemes).toEqual(['https', 'http', 'http', 'http']);
    const seriesSchemes = (await durationPoints(monitor)).map(
      (point) => point.attributes?.['url.scheme'],
    );
    expect(new Set(seriesSchemes)).toEqual(new Set(['https', 'http']));
  });
});
