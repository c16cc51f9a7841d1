/**
 * HTTP semantic conventions end to end (Fastify): a 5xx is an error with `error.type` on the span
 * and the duration histogram, a 4xx (validation, thrown 4xx) is the client's and leaves the span
 * unset, the histogram carries `url.scheme`, and a method the conventions do not know is `_OTHER`
 * (the original kept on the span) so that clients cannot make up new series.
 */
import { request as httpRequest } from 'node:http';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { instrumentedApp } from './support/instrumented-app.js';

let monitor: Monitor;
let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  monitor = init(
    {
      serviceName: 'fastify-semconv',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  app = await instrumentedApp(monitor);
  app.get('/boom', async () => {
    throw new RangeError('out of range');
  });
  app.post(
    '/items',
    {
      schema: {
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/search', async () => ({ ok: true }));
  app.get('/teapot', async () => {
    throw Object.assign(new Error('short and stout'), { statusCode: 418 });
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

function send(method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${baseUrl}${path}`,
      { method, headers: body ? { 'content-type': 'application/json' } : {} },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function exported() {
  await monitor.flush();
  const transport = monitor.transport as MemoryTransport;
  return { spans: transport.items('spans'), points: transport.items('metrics') };
}

/** The attributes of the latest duration point of `route`. */
function durationAttributes(points: Awaited<ReturnType<typeof exported>>['points'], route: string) {
  return points
    .filter(
      (point) =>
        point.name === 'http.server.request.duration' && point.attributes?.['http.route'] === route,
    )
    .at(-1)?.attributes;
}

describe('HTTP semantic conventions (Fastify)', () => {
  it('a 5xx: span ERROR with error.type, and error.type and url.scheme on its duration series', async () => {
    expect(await send('GET', '/boom')).toBe(500);
    const { spans, points } = await exported();
    const span = spans.find((item) => item.name === 'GET /boom');
    expect(span?.status).toEqual({ code: 'ERROR' });
    expect(span?.attributes).toMatchObject({
      'error.type': 'RangeError',
      'http.response.status_code': 500,
    });
    expect(durationAttributes(points, '/boom')).toEqual({
      'http.request.method': 'GET',
      'http.route': '/boom',
      'http.response.status_code': 500,
      'url.scheme': 'http',
      'error.type': 'RangeError',
    });
  });

  it('a 4xx, thrown or from validation, leaves the span unset and has no error.type', async () => {
    expect(await send('POST', '/items', '{}')).toBe(400);
    expect(await send('GET', '/teapot')).toBe(418);
    const { spans, points } = await exported();
    for (const name of ['POST /items', 'GET /teapot']) {
      const span = spans.find((item) => item.name === name);
      expect(span?.status).toBeUndefined();
      expect(span?.events).toBeUndefined();
      expect(span?.attributes?.['error.type']).toBeUndefined();
    }
    expect(durationAttributes(points, '/teapot')).toEqual({
      'http.request.method': 'GET',
      'http.route': '/teapot',
      'http.response.status_code': 418,
      'url.scheme': 'http',
    });
  });

  it('a method the conventions do not know is _OTHER (span named HTTP), the original kept on the span', async () => {
    expect(await send('PROPFIND', '/anything')).toBe(404);
    expect(await send('MKCOL', '/else')).toBe(404);
    const { spans, points } = await exported();
    const other = spans.filter((item) => item.attributes?.['http.request.method'] === '_OTHER');
    expect(other.map((span) => span.name).sort()).toEqual(['HTTP', 'HTTP']);
    expect(other.map((span) => span.attributes?.['http.request.method_original']).sort()).toEqual([
      'MKCOL',
      'PROPFIND',
    ]);
    const methods = new Set(
      points
        .filter((point) => point.name === 'http.server.request.duration')
        .map((point) => point.attributes?.['http.request.method']),
    );
    expect(methods.has('PROPFIND')).toBe(false);
    expect(methods.has('_OTHER')).toBe(true);
  });

  it('the query string is url.query, secret parameters redacted; a path alone has none', async () => {
    expect(await send('GET', '/search?q=red%20shoes&access_token=abc123&Signature=s1&page=2')).toBe(
      200,
    );
    expect(await send('GET', '/search')).toBe(200);
    const { spans } = await exported();
    const searches = spans.filter((item) => item.name === 'GET /search');
    expect(searches.map((span) => span.attributes?.['url.query'])).toEqual([
      'q=red%20shoes&access_token=REDACTED&Signature=REDACTED&page=2',
      undefined,
    ]);
    expect(searches[0]?.attributes?.['url.path']).toBe('/search');
  });
});
