/**
 * `http.route` under mounts (Express 5): the patterns of the routers and sub-apps a route is
 * mounted under, never the concrete prefix they matched, so that path parameter values cannot
 * make up new span names or histogram series. An app of another shape (Express 4's) gives no
 * route, and nothing thrown.
 */
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { driftwatch } from '../src/index.js';
import { isOwnRoute, routePatternOf } from '../src/mount-pattern.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let logs: LogCapture;
let server: Listening;

const ok: RequestHandler = (_request, response) => {
  response.json({ ok: true });
};

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'express-mounts'));
  const app = express();
  app.use(driftwatch(monitor));

  // The shape that overflowed the series cap: one router under a mount path with a parameter.
  const userOrders = express.Router();
  userOrders.get('/orders/:orderId', ok);
  app.use('/api/users/:userId', userOrders);

  // Parameters at two levels of nested routers.
  const tenantUsers = express.Router();
  const tenants = express.Router();
  tenantUsers.get('/orders/:orderId', ok);
  tenants.use('/users/:userId', tenantUsers);
  app.use('/api/tenants/:tenantId', tenants);

  // A sub-app (Express hides it behind its own `mounted_app` handler) under a parameter.
  const versioned = express();
  versioned.get('/items/:itemId', ok);
  app.use('/v/:version', versioned);

  const plain = express.Router();
  plain.get('/status', ok);
  app.use('/plain', plain);

  // A RegExp mount has no pattern to report.
  const byRegExp = express.Router();
  byRegExp.get('/status', ok);
  app.use(/^\/shard\d+/, byRegExp);

  // Paths given as arrays, to a mount and to a route: the patterns that matched.
  const listings = express.Router();
  listings.get(['/latest', '/page/:page'], ok);
  app.use(['/catalog/:shop', '/archive'], listings);

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

/** One GET and what it recorded: its completion line's route, its span's name and route. */
async function routeRecordedFor(path: string) {
  const response = await fetch(`${server.baseUrl}${path}`);
  expect(response.status).toBe(200);
  const requestId = response.headers.get('x-request-id');
  const line = await vi.waitFor(() => {
    const found = logs.lines.find(
      (candidate) => candidate.msg === 'request completed' && candidate.request_id === requestId,
    );
    if (found === undefined) throw new Error(`no completion line for ${path} yet`);
    return found as { trace_id: string; req: { url: string; route?: string } };
  });
  await monitor.flush();
  const span = (monitor.transport as MemoryTransport)
    .items('spans')
    .find((item) => item.traceId === line.trace_id);
  return {
    line: line.req,
    spanName: span?.name,
    spanRoute: span?.attributes?.['http.route'],
  };
}

/** The duration histogram's points for routes under `/api/users/`, oldest first. */
async function userOrderPoints() {
  await monitor.flush();
  return (monitor.transport as MemoryTransport)
    .items('metrics')
    .filter(
      (point) =>
        point.name === 'http.server.request.duration' &&
        String(point.attributes?.['http.route']).startsWith('/api/users/'),
    );
}

/** Requests counted by the latest point (histograms are cumulative), 0 before any. */
function histogramCount(points: Awaited<ReturnType<typeof userOrderPoints>>): number {
  const last = points.at(-1);
  return last?.type === 'histogram' ? last.count : 0;
}

describe('http.route under mounts (Express)', () => {
  it('a router under a mount path with a parameter: the pattern, not the user id', async () => {
    expect(await routeRecordedFor('/api/users/1000/orders/7')).toEqual({
      line: {
        method: 'GET',
        url: '/api/users/1000/orders/7',
        route: '/api/users/:userId/orders/:orderId',
      },
      spanName: 'GET /api/users/:userId/orders/:orderId',
      spanRoute: '/api/users/:userId/orders/:orderId',
    });
  });

  it('nested routers with parameters at two levels', async () => {
    const route = '/api/tenants/:tenantId/users/:userId/orders/:orderId';
    expect(await routeRecordedFor('/api/tenants/acme/users/42/orders/7')).toMatchObject({
      line: { route },
      spanName: `GET ${route}`,
      spanRoute: route,
    });
  });

  it('a sub-app mounted under a parameter', async () => {
    const route = '/v/:version/items/:itemId';
    expect(await routeRecordedFor('/v/3/items/9')).toMatchObject({
      line: { route },
      spanName: `GET ${route}`,
      spanRoute: route,
    });
  });

  it('a plain string mount', async () => {
    expect(await routeRecordedFor('/plain/status')).toMatchObject({
      line: { route: '/plain/status' },
      spanName: 'GET /plain/status',
      spanRoute: '/plain/status',
    });
  });

  it('a RegExp mount: no route rather than the concrete prefix', async () => {
    const recorded = await routeRecordedFor('/shard7/status');
    expect(recorded.line.route).toBeUndefined();
    expect(recorded.spanName).toBe('GET');
    expect(recorded.spanRoute).toBeUndefined();
  });

  it('a mount and a route given as arrays: the patterns that matched', async () => {
    for (const [path, route] of [
      ['/archive/page/3', '/archive/page/:page'],
      ['/catalog/north/latest', '/catalog/:shop/latest'],
    ]) {
      expect(await routeRecordedFor(path!)).toMatchObject({
        line: { route },
        spanName: `GET ${route}`,
        spanRoute: route,
      });
    }
  });

  it('50 user ids make one route and one duration series', async () => {
    const countBefore = histogramCount(await userOrderPoints());
    for (let userId = 2000; userId < 2050; userId += 1) {
      const response = await fetch(`${server.baseUrl}/api/users/${userId}/orders/7`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    await vi.waitFor(() => {
      expect(logs.lines.filter((line) => line.msg === 'request completed')).toHaveLength(50);
    });
    const routes = new Set(logs.lines.map((line) => (line.req as { route?: string }).route));
    expect([...routes]).toEqual(['/api/users/:userId/orders/:orderId']);

    const points = await userOrderPoints();
    expect(new Set(points.map((point) => JSON.stringify(point.attributes))).size).toBe(1);
    expect(histogramCount(points) - countBefore).toBe(50);
  });
});

describe('an Express 4 app (peer dependency not met)', () => {
  /** As Express 4 builds it, as far as the search reads it: `app.router` throws. */
  function express4App(): unknown {
    const app = Object.assign(() => undefined, {
      handle: () => undefined,
      set: () => undefined,
      _router: { stack: [] },
    });
    Object.defineProperty(app, 'router', {
      get() {
        throw new Error("'app.router' is deprecated!");
      },
    });
    return app;
  }

  it('no route, and nothing thrown from the response listener that asks', () => {
    const route = { path: '/users/:id' };
    expect(isOwnRoute(express4App(), route)).toBe(false);
    const paths = { path: '/users/1', baseUrl: '' };
    expect(routePatternOf(express4App(), [], paths, route)).toBeUndefined();
  });
});
