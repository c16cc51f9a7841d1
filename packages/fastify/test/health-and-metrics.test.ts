/** Fastify: /health, /readiness (503 while a check fails) and /metrics mounted on the host's server. */
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../../sdk/test/support/log-capture.js';
import { promtoolCheckMetrics } from '../../sdk/test/support/prometheus.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Monitor['logger']>;
let modelLoaded = false;

beforeAll(async () => {
  monitor = init(
    {
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, gpu: { enabled: false } },
    },
    {},
  );
  monitor.addReadinessCheck('model', () => modelLoaded);
  monitor.addReadinessCheck('cache', async () => Promise.resolve(true));
  app = Fastify(fastifyOptions(monitor));
  await app.register(driftwatch, { monitor, metricsRoute: '/metrics' });
  app.get('/users/:id', async () => ({ ok: true }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

describe('health routes (Fastify)', () => {
  it('/health answers 200', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/readiness answers 503 while a registered check fails, 200 once all pass', async () => {
    modelLoaded = false;
    const notReady = await app.inject({ method: 'GET', url: '/readiness' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      ready: false,
      checks: { transport: true, model: false, cache: true },
    });
    modelLoaded = true;
    const ready = await app.inject({ method: 'GET', url: '/readiness' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      ready: true,
      checks: { transport: true, model: true, cache: true },
    });
  });

  it('a check that throws counts as not ready', async () => {
    monitor.addReadinessCheck('flaky', () => {
      throw new Error('down');
    });
    const response = await app.inject({ method: 'GET', url: '/readiness' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ ready: false, checks: { flaky: false } });
    monitor.addReadinessCheck('flaky', () => true);
  });

  it('with logProbes false, probes write no completion line; other requests do', async () => {
    const logs = captureLogs();
    const quietMonitor = init(
      {
        transport: { type: 'memory' },
        logs: { destination: logs.destination },
        metrics: { serve: false, gpu: { enabled: false } },
      },
      {},
    );
    const quiet = Fastify(fastifyOptions(quietMonitor));
    await quiet.register(driftwatch, { monitor: quietMonitor, logProbes: false });
    quiet.get('/users/:id', async () => ({ ok: true }));
    const ids: Record<string, unknown> = {};
    for (const url of ['/health', '/readiness', '/users/7']) {
      const response = await quiet.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      ids[url] = response.headers['x-request-id'];
    }
    const completed = logs.lines
      .filter((line) => line.msg === 'request completed')
      .map((line) => line.request_id);
    expect(completed).toEqual([ids['/users/7']]);
    await quietMonitor.flush();
    const spans = (quietMonitor.transport as MemoryTransport).items('spans');
    expect(spans.map((span) => span.attributes?.['http.route'])).toEqual([
      '/health',
      '/readiness',
      '/users/:id',
    ]);
    await quiet.close();
    await quietMonitor.shutdown({ timeoutMs: 1000 });
  });

  it('can leave the routes out', async () => {
    const bare = Fastify(fastifyOptions(monitor));
    await bare.register(driftwatch, { monitor, healthRoute: false, readinessRoute: false });
    expect((await bare.inject({ method: 'GET', url: '/health' })).statusCode).toBe(404);
    expect((await bare.inject({ method: 'GET', url: '/readiness' })).statusCode).toBe(404);
    await bare.close();
  });
});

describe('metrics on the host app (metrics.serve false)', () => {
  it('does not open its own port', async () => {
    expect(await monitor.metricsAddress).toBeUndefined();
  });

  it('serves the Prometheus text on the plugin route, and it passes promtool', async () => {
    await app.inject({ method: 'GET', url: '/users/7' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(
      /^http_server_request_duration_count\{http_request_method="GET",http_response_status_code="200",url_scheme="http",http_route="\/users\/:id"\} 1$/m,
    );
    expect(response.body).toMatch(/^process_cpu_time_total\{cpu_mode="user"\}/m);
    expect(response.body).toMatch(/^driftwatch_sdk_dropped_total\{reason="queue_full"\} 0$/m);
    expect(promtoolCheckMetrics(response.body)).toEqual({ status: 0, output: '' });
  });

  it('echoes the request id on the hijacked metrics reply too', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-request-id': 'scrape-1' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('scrape-1');
  });
});
