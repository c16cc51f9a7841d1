/**
 * Behind a trusted proxy (`trustProxy`), Fastify's `request.protocol` is the last
 * `X-Forwarded-Proto` value, which a client can write when the proxy passes the header on:
 * `url.scheme` must stay `http` or `https`, or every made-up value would be a new duration series.
 */
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { durationPoints, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  monitor = init(
    {
      serviceName: 'fastify-forwarded-scheme',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  app = Fastify({ ...fastifyOptions(monitor), trustProxy: true }) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  app.get('/items/:id', async () => ({ ok: true }));
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

describe('url.scheme behind a trusted proxy (Fastify)', () => {
  it('is https or http, whatever X-Forwarded-Proto says', async () => {
    for (const forwarded of ['https', 'made-up-1', 'http, made-up-2', 'http']) {
      const response = await fetch(`${baseUrl}/items/1`, {
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
