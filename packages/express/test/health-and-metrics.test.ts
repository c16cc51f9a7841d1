/** Express: /health, /readiness (503 while a check fails) and /metrics mounted on the host's server. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { completionLines } from '../../sdk/test/support/recorded-requests.js';
import { collectUncaught } from '../../sdk/test/support/uncaught-errors.js';
import { listen } from './support/listen.js';
import { promtoolCheckMetrics } from '../../sdk/test/support/prometheus.js';
import { driftwatch, healthRoutes, metricsRoute } from '../src/index.js';

let monitor: Monitor;
let server: Server;
let baseUrl: string;
let queueConnected = false;
const logs = captureLogs();

beforeAll(async () => {
  monitor = init(
    {
      transport: { type: 'memory' },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, gpu: { enabled: false } },
    },
    {},
  );
  monitor.addReadinessCheck('queue', () => queueConnected);
  const app = express();
  app.use(driftwatch(monitor));
  app.use(healthRoutes(monitor));
  // The same probes, quiet, under /quiet (a kubelet's): no completion line.
  app.use('/quiet', healthRoutes(monitor, { logProbes: false }));
  app.get('/metrics', metricsRoute(monitor));
  app.get('/items/:id', (_request, response) => {
    response.json({ ok: true });
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  await monitor?.shutdown({ timeoutMs: 1000 });
});

describe('health routes (Express)', () => {
  it('/health answers 200', async () => {
    const response = await fetch(`${baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readiness answers 503 while a registered check fails, 200 once all pass', async () => {
    queueConnected = false;
    const notReady = await fetch(`${baseUrl}/readiness`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      ready: false,
      checks: { transport: true, queue: false },
    });
    queueConnected = true;
    const ready = await fetch(`${baseUrl}/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { transport: true, queue: true } });
  });

  it('their requests carry their route, as with Fastify', async () => {
    await (await fetch(`${baseUrl}/health`)).arrayBuffer();
    await (await fetch(`${baseUrl}/readiness`)).arrayBuffer();
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans');
    for (const route of ['/health', '/readiness']) {
      const span = spans.filter((item) => item.attributes?.['url.path'] === route).at(-1);
      expect(span?.name).toBe(`GET ${route}`);
      expect(span?.attributes?.['http.route']).toBe(route);
    }
  });

  it('with logProbes false, probes write no completion line; spans and other requests are kept', async () => {
    queueConnected = true;
    const ids: Record<string, string | null> = {};
    for (const path of ['/quiet/health', '/quiet/readiness', '/health', '/items/2']) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status).toBe(200);
      ids[path] = response.headers.get('x-request-id');
    }
    // An unmatched request through the quiet router is logged: only the probes are quiet.
    const unmatched = await fetch(`${baseUrl}/quiet/other`);
    expect(unmatched.status).toBe(404);
    ids['/quiet/other'] = unmatched.headers.get('x-request-id');
    await monitor.flush();
    const logged = (path: string) =>
      logs.lines.some((line) => line.request_id === ids[path] && line.msg === 'request completed');
    expect(logged('/health')).toBe(true);
    expect(logged('/items/2')).toBe(true);
    expect(logged('/quiet/other')).toBe(true);
    expect(logged('/quiet/health')).toBe(false);
    expect(logged('/quiet/readiness')).toBe(false);
    const spans = (monitor.transport as MemoryTransport).items('spans');
    for (const route of ['/quiet/health', '/quiet/readiness']) {
      const span = spans.find((item) => item.attributes?.['url.path'] === route);
      expect(span?.attributes?.['http.route']).toBe(route);
    }
  });

  it('passes other requests on', async () => {
    expect((await fetch(`${baseUrl}/items/1`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });
});

describe('readiness answered by another middleware first (Express)', () => {
  it('a timeout middleware answered while the checks ran: its answer stands, nothing thrown', async () => {
    const uncaught = collectUncaught();
    const { monitor: timed, logs: timedLogs } = capturedMonitor(init, 'express-readiness-timeout');
    timed.addReadinessCheck(
      'slow',
      () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 150)),
    );
    const app = express();
    app.use(driftwatch(timed));
    // As connect-timeout does: a 503 once 50 ms passed without an answer.
    app.use((_request, response, next) => {
      setTimeout(() => {
        if (!response.headersSent) response.status(503).send('timed out');
      }, 50);
      next();
    });
    app.use(healthRoutes(timed));
    const listening = await listen(app);
    try {
      const response = await fetch(`${listening.baseUrl}/readiness`, {
        headers: { 'x-request-id': 'readiness-timed-out' },
      });
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('timed out');
      // The checks resolve after the answer: writing theirs must throw nothing, reject nothing.
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(uncaught.errors).toEqual([]);
      expect(completionLines(timedLogs, 'readiness-timed-out')).toMatchObject([
        { res: { statusCode: 503 }, req: { route: '/readiness' } },
      ]);
    } finally {
      uncaught.stop();
      await listening.close();
      await timed.shutdown({ timeoutMs: 1000 });
    }
  });
});

describe('metrics on the host app (metrics.serve false)', () => {
  it('serves the Prometheus text and it passes promtool', async () => {
    expect(await monitor.metricsAddress).toBeUndefined();
    await fetch(`${baseUrl}/items/9`);
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /^http_server_request_duration_count\{http_request_method="GET",http_response_status_code="200",url_scheme="http",http_route="\/items\/:id"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^driftwatch_sdk_export_errors_total 0$/m);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
  });
});
