/**
 * Express route errors on the request's span and duration series: with `driftwatchErrors()`
 * after the routes, a thrown error's class is `error.type` (and an exception event); without it
 * Express never shows the error to middleware, and `error.type` is the status code. A 4xx error
 * leaves the span unset. A failed request keeps its route, mounts included, whether Express's
 * final handler or the app's own error handler answers.
 */
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { driftwatch, driftwatchErrors } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let withRecorder: Listening;
let without: Listening;
let ownHandler: Listening;

const ORDER_ROUTE = '/users/:userId/orders/:orderId';

function app(recordErrors: boolean, answerErrors = false) {
  const routes = express();
  routes.use(driftwatch(monitor));
  routes.get('/boom', () => {
    throw new RangeError('out of range');
  });
  routes.get('/bad', () => {
    throw Object.assign(new Error('bad input'), { status: 400 });
  });
  const orders = express.Router();
  orders.get('/orders/:orderId', () => {
    throw new TypeError('no such order');
  });
  routes.use('/users/:userId', orders);
  // Sub-apps: Express resets the request's app to the parent's once an error leaves one.
  const shop = express();
  shop.get('/items/:id', () => {
    throw new Error('db down');
  });
  const admin = express();
  admin.get('/reports/:reportId', () => {
    throw new Error('no reports');
  });
  shop.use('/admin/:section', admin);
  routes.use('/shop/:tenant', shop);
  if (recordErrors) routes.use(driftwatchErrors());
  if (answerErrors) {
    routes.use((_error: unknown, _request: Request, response: Response, _next: NextFunction) => {
      response.status(500).json({ error: 'internal' });
    });
  }
  return routes;
}

beforeAll(async () => {
  monitor = init(
    {
      serviceName: 'express-errors',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  withRecorder = await listen(app(true));
  without = await listen(app(false));
  ownHandler = await listen(app(true, true));
});

afterAll(async () => {
  await withRecorder.close();
  await without.close();
  await ownHandler.close();
  await monitor.shutdown();
});

async function spanOf(baseUrl: string, path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  const traceId = response.headers.get('traceparent');
  expect(traceId).toBeNull();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await monitor.flush();
  const spans = (monitor.transport as MemoryTransport)
    .items('spans')
    .filter((span) => span.kind === 'SERVER' && span.attributes?.['url.path'] === path);
  return { status: response.status, span: spans.at(-1) };
}

describe('route errors (Express)', () => {
  it('with driftwatchErrors(): error.type is the error class, with an exception event', async () => {
    const { status, span } = await spanOf(withRecorder.baseUrl, '/boom');
    expect(status).toBe(500);
    expect(span?.status).toEqual({ code: 'ERROR' });
    expect(span?.attributes?.['error.type']).toBe('RangeError');
    expect(span?.events?.[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'RangeError', 'exception.message': 'out of range' },
    });
    const series = (monitor.transport as MemoryTransport)
      .items('metrics')
      .filter((point) => point.name === 'http.server.request.duration');
    expect(series.some((point) => point.attributes?.['error.type'] === 'RangeError')).toBe(true);
  });

  it('without it: error.type is the status code, no exception event', async () => {
    const before = (monitor.transport as MemoryTransport).items('spans').length;
    const { status, span } = await spanOf(without.baseUrl, '/boom');
    expect(status).toBe(500);
    expect((monitor.transport as MemoryTransport).items('spans').length).toBeGreaterThan(before);
    expect(span?.attributes?.['error.type']).toBe('500');
    expect(span?.events).toBeUndefined();
  });

  it('a 4xx error leaves the span unset, recorder or not', async () => {
    const { status, span } = await spanOf(withRecorder.baseUrl, '/bad');
    expect(status).toBe(400);
    expect(span?.status).toBeUndefined();
    expect(span?.attributes?.['error.type']).toBeUndefined();
  });

  it('keeps the route of a request that failed, when Express answers the error', async () => {
    const { status, span } = await spanOf(withRecorder.baseUrl, '/boom');
    expect(status).toBe(500);
    expect(span?.name).toBe('GET /boom');
    expect(span?.attributes?.['http.route']).toBe('/boom');
    const failed = (monitor.transport as MemoryTransport)
      .items('metrics')
      .filter(
        (point) =>
          point.name === 'http.server.request.duration' &&
          point.attributes?.['error.type'] === 'RangeError',
      );
    expect(failed.map((point) => point.attributes?.['http.route'])).toContain('/boom');
  });

  it('an error in a mounted router: the full route, with the mount pattern', async () => {
    for (const server of [ownHandler, withRecorder, without]) {
      const { status, span } = await spanOf(server.baseUrl, '/users/41/orders/7');
      expect(status).toBe(500);
      expect(span?.name).toBe(`GET ${ORDER_ROUTE}`);
      expect(span?.attributes?.['http.route']).toBe(ORDER_ROUTE);
    }
  });

  it('an error leaving a mounted sub-app, nested or not: the full route', async () => {
    for (const [path, route] of [
      ['/shop/acme/items/bad', '/shop/:tenant/items/:id'],
      ['/shop/acme/admin/sales/reports/9', '/shop/:tenant/admin/:section/reports/:reportId'],
    ]) {
      for (const server of [ownHandler, withRecorder, without]) {
        const { status, span } = await spanOf(server.baseUrl, path!);
        expect(status).toBe(500);
        expect(span?.name).toBe(`GET ${route}`);
        expect(span?.attributes?.['http.route']).toBe(route);
      }
    }
  });
});
