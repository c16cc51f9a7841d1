/**
 * The middleware itself under a mount (Express 5): `url.path` and the completion line's `url` keep
 * the mount prefix, a request that meets the middleware twice (the main app's and a sub-app's)
 * is instrumented once, and a sub-app's alone leaves `req.route` as Express sets it once the
 * request leaves the sub-app.
 */
import { init, type ActiveContext, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { captureLogs, type LogCapture } from '../../sdk/test/support/log-capture.js';
import { driftwatch, driftwatchErrors } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let logs: LogCapture;
const monitors: Monitor[] = [];
const servers: Listening[] = [];

/** Answers with the request context the handler sees. */
function answerWithContext(monitor: Monitor): RequestHandler {
  return (_request, response) => {
    response.json({ active: monitor.activeContext() });
  };
}

function startMonitor(serviceName: string): Monitor {
  const { monitor } = capturedMonitor(init, serviceName, logs);
  monitors.push(monitor);
  return monitor;
}

async function serve(app: express.Express): Promise<string> {
  const server = await listen(app);
  servers.push(server);
  return server.baseUrl;
}

beforeAll(() => {
  logs = captureLogs();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(monitors.map((monitor) => monitor.shutdown({ timeoutMs: 1000 })));
});

beforeEach(() => {
  logs.lines.length = 0;
  logs.raw.length = 0;
});

async function completionLines(count: number) {
  return vi.waitFor(() => {
    const lines = logs.lines.filter((line) => line.msg === 'request completed');
    expect(lines).toHaveLength(count);
    return lines;
  });
}

describe('middleware mounted under a path (Express)', () => {
  let monitor: Monitor;
  let baseUrl: string;

  beforeAll(async () => {
    monitor = startMonitor('express-mounted-middleware');
    const app = express();
    app.use('/api', driftwatch(monitor));
    const api = express.Router();
    api.get('/users/:userId/orders/:orderId', answerWithContext(monitor));
    app.use('/api', api);
    baseUrl = await serve(app);
  });

  it('url.path and the completion line keep the mount prefix, without the query', async () => {
    const response = await fetch(`${baseUrl}/api/users/1000/orders/7?page=2`);
    expect(response.status).toBe(200);
    const { active } = (await response.json()) as { active: ActiveContext };
    const [line] = await completionLines(1);
    expect(line?.req).toEqual({
      method: 'GET',
      url: '/api/users/1000/orders/7',
      route: '/api/users/:userId/orders/:orderId',
    });
    await monitor.flush();
    const span = (monitor.transport as MemoryTransport)
      .items('spans')
      .find((item) => item.traceId === active.traceId);
    expect(span?.attributes?.['url.path']).toBe('/api/users/1000/orders/7');
  });
});

describe('middleware applied twice to one request (Express)', () => {
  let monitor: Monitor;
  let baseUrl: string;

  beforeAll(async () => {
    monitor = startMonitor('express-applied-twice');
    const app = express();
    app.use(driftwatch(monitor));
    const v2 = express();
    v2.use(driftwatch(monitor));
    v2.get('/items/:itemId', answerWithContext(monitor));
    app.use('/v2', v2);
    baseUrl = await serve(app);
  });

  it('one span, one completion line and one histogram sample, in the first context', async () => {
    const response = await fetch(`${baseUrl}/v2/items/5`);
    expect(response.status).toBe(200);
    const { active } = (await response.json()) as { active: ActiveContext };
    expect(response.headers.get('x-request-id')).toBe(active.requestId);

    const [line] = await completionLines(1);
    expect(line).toMatchObject({
      request_id: active.requestId,
      trace_id: active.traceId,
      req: { url: '/v2/items/5', route: '/v2/items/:itemId' },
    });
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    const spans = transport.items('spans').filter((span) => span.kind === 'SERVER');
    expect(spans.map((span) => [span.traceId, span.name])).toEqual([
      [active.traceId, 'GET /v2/items/:itemId'],
    ]);
    const samples = transport
      .items('metrics')
      .filter((point) => point.name === 'http.server.request.duration')
      .map((point) => (point.type === 'histogram' ? point.count : 0));
    expect(samples.reduce((total, count) => total + count, 0)).toBe(1);
  });
});

describe('middleware applied in a sub-app alone (Express)', () => {
  let monitor: Monitor;
  let baseUrl: string;

  beforeAll(async () => {
    monitor = startMonitor('express-sub-app-only');
    const app = express();
    const shop = express();
    shop.use(driftwatch(monitor));
    shop.get('/items/:itemId', () => {
      throw Object.assign(new Error('no such item'), { status: 404 });
    });
    shop.use(driftwatchErrors(monitor));
    app.use('/shop', shop);
    // The parent's own error handler: Express has reset the request's prototype to the parent's.
    app.use((_error: unknown, request: Request, response: Response, _next: NextFunction) => {
      const route = request.route as { path?: unknown } | undefined;
      response.status(404).json({ route: route?.path ?? null });
    });
    baseUrl = await serve(app);
  });

  it("an error leaving the sub-app: the parent's handlers and the span still see its route", async () => {
    const response = await fetch(`${baseUrl}/shop/items/7`);
    expect(response.status).toBe(404);
    // What Express gives the parent's handler without the middleware.
    expect(await response.json()).toEqual({ route: '/items/:itemId' });
    const [line] = await completionLines(1);
    expect(line?.req).toEqual({
      method: 'GET',
      url: '/shop/items/7',
      route: '/shop/items/:itemId',
    });
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport)
      .items('spans')
      .filter((span) => span.kind === 'SERVER');
    expect(spans.map((span) => [span.name, span.attributes?.['http.route']])).toEqual([
      ['GET /shop/items/:itemId', '/shop/items/:itemId'],
    ]);
  });
});
