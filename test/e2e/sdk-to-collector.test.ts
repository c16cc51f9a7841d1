/**
 * The default embedded path for real: the SDK's HTTP transport posts to a listening collector,
 * which validates and stores in embedded ClickHouse; rows are read back field by field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorApp } from '@driftwatch/collector';
import { init, type Monitor } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function rows<T>(collector: CollectorApp, query: string): Promise<T[]> {
  const result = await collector.storage.client.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SDK (HTTP transport) → collector → embedded ClickHouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-e2e-'));
  let collector: CollectorApp & { url: string };
  let monitor: Monitor;

  beforeAll(async () => {
    collector = await startCollector({
      port: 0,
      logLevel: 'silent',
      ingestToken: 'e2e-token',
      storage: { chdbPath: join(dir, 'data'), database: 'dw_e2e' },
    });
    monitor = init({
      serviceName: 'e2e-service',
      serviceVersion: '2.0.0',
      environment: 'test',
      transport: { type: 'http', url: collector.url, token: 'e2e-token' },
      metrics: { enabled: false },
    });
  });

  afterAll(async () => {
    await monitor.shutdown({ timeoutMs: 5000 });
    await collector.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores predictions and late labels with every field', async () => {
    const predictionId = monitor.logPrediction({
      model: 'churn',
      modelVersion: '3.1.0',
      // A NaN feature (0/0 upstream) is a missing value, like null.
      features: {
        tenure_months: 14,
        plan: 'pro',
        autopay: false,
        last_login_days: null,
        spend_ratio: Number.NaN,
      },
      prediction: 1,
      score: 0.73,
      segment: 'eu',
    });
    expect(typeof predictionId).toBe('string');
    await monitor.flush();
    monitor.logLabel(predictionId, 0, { model: 'churn' });
    await monitor.flush();

    const predictions = await eventually(
      () =>
        rows<Record<string, unknown>>(
          collector,
          `SELECT * FROM dw_e2e.predictions WHERE prediction_id = '${predictionId}'`,
        ),
      (r) => r.length > 0,
    );
    expect(predictions).toHaveLength(1);
    expect(predictions[0]).toMatchObject({
      model: 'churn',
      model_version: '3.1.0',
      num_features: { tenure_months: 14 },
      cat_features: { plan: 'pro', autopay: 'false' },
      missing_features: ['last_login_days', 'spend_ratio'],
      prediction: '1',
      prediction_num: 1,
      score: 0.73,
      segment: 'eu',
      service_name: 'e2e-service',
    });
    const labels = await eventually(
      () =>
        rows<Record<string, unknown>>(
          collector,
          `SELECT * FROM dw_e2e.labels WHERE prediction_id = '${predictionId}'`,
        ),
      (r) => r.length > 0,
    );
    expect(labels[0]).toMatchObject({ model: 'churn', label: '0', label_num: 0 });
  });

  it('stores log records with the service resource and trace context of a span', async () => {
    await monitor.span('e2e-work', async () => {
      monitor.logger.info({ order: 42 }, 'inside a span');
    });
    await monitor.flush();
    const logs = await eventually(
      () =>
        rows<Record<string, string>>(
          collector,
          `SELECT Body, ServiceName, TraceId, SpanId FROM dw_e2e.otel_logs WHERE Body = 'inside a span'`,
        ),
      (r) => r.length > 0,
    );
    expect(logs[0]!.ServiceName).toBe('e2e-service');
    expect(logs[0]!.TraceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await eventually(
      () =>
        rows<Record<string, string>>(
          collector,
          `SELECT SpanName, TraceId FROM dw_e2e.otel_traces WHERE SpanName = 'e2e-work'`,
        ),
      (r) => r.length > 0,
    );
    expect(spans[0]!.TraceId).toBe(logs[0]!.TraceId);
  });

  it("stores a request span's trace state and a span's links, as Grafana's trace view reads them", async () => {
    // A request continuing a caller's trace, with the caller's tracestate.
    const request = monitor.http.start({
      method: 'GET',
      path: '/e2e-traced',
      headers: {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=e2e,other=1',
      },
    });
    request.end({ statusCode: 200, route: '/e2e-traced' });
    const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    monitor.span('e2e-linked', (span) => {
      span.addLink({ context: { ...linked, traceFlags: 1 }, attributes: { input: 'batch-7' } });
    });
    await monitor.flush();
    const spans = await eventually(
      () =>
        rows<Record<string, unknown>>(
          collector,
          `SELECT SpanName, TraceState, Links.TraceId AS traceIds, Links.SpanId AS spanIds,
             Links.Attributes AS attributes
           FROM dw_e2e.otel_traces WHERE SpanName IN ('GET /e2e-traced', 'e2e-linked')
           ORDER BY SpanName`,
        ),
      (r) => r.length === 2,
    );
    expect(spans).toEqual([
      {
        SpanName: 'GET /e2e-traced',
        TraceState: 'vendor=e2e,other=1',
        traceIds: [],
        spanIds: [],
        attributes: [],
      },
      {
        SpanName: 'e2e-linked',
        TraceState: '',
        traceIds: [linked.traceId],
        spanIds: [linked.spanId],
        attributes: [{ input: 'batch-7' }],
      },
    ]);
  });

  it('stores the periodic metric export: model metrics, HTTP histogram and runtime gauges', async () => {
    // A second monitor with metrics on (the shared one has them off), exporting every 200 ms.
    const metered = init({
      serviceName: 'e2e-metered',
      serviceVersion: '2.0.0',
      transport: { type: 'http', url: collector.url, token: 'e2e-token' },
      logs: { export: false },
      metrics: { serve: false, exportIntervalMs: 200 },
    });
    try {
      for (const score of [0.1, 0.6, 0.9]) {
        metered.logPrediction({
          model: 'fraud',
          modelVersion: '7',
          features: { amount: score * 100 },
          prediction: score >= 0.5 ? 1 : 0,
          score,
        });
      }
      const request = metered.http.start({ method: 'GET', path: '/items/3', headers: {} });
      request.end({ statusCode: 200, route: '/items/:id' });
      await new Promise((resolve) => setTimeout(resolve, 600));
      await metered.flush();
      type MetricRow = {
        MetricName: string;
        MetricType: string;
        MetricUnit: string;
        Attributes: Record<string, string>;
        Value: number;
        Count: string;
        Sum: number;
      };
      const wanted = [
        'driftwatch.model.predictions',
        'driftwatch.model.score',
        'http.server.request.duration',
        'process.memory.usage',
      ];
      const metrics = await eventually(
        () =>
          rows<MetricRow>(
            collector,
            `SELECT MetricName, MetricType, MetricUnit, Attributes, Value, Count, Sum
               FROM dw_e2e.otel_metrics WHERE ServiceName = 'e2e-metered' ORDER BY TimeUnix DESC`,
          ),
        (r) => wanted.every((name) => r.some((row) => row.MetricName === name)),
      );
      const latest = (name: string): MetricRow => metrics.find((row) => row.MetricName === name)!;
      expect(latest('driftwatch.model.predictions')).toMatchObject({
        MetricType: 'sum',
        Value: 3,
        Attributes: { model: 'fraud', model_version: '7' },
      });
      const scores = latest('driftwatch.model.score');
      expect(scores.MetricType).toBe('histogram');
      expect(Number(scores.Count)).toBe(3);
      expect(scores.Sum).toBeCloseTo(1.6, 6);
      const duration = latest('http.server.request.duration');
      expect(duration).toMatchObject({
        MetricType: 'histogram',
        MetricUnit: 's',
        Attributes: {
          'http.request.method': 'GET',
          'http.route': '/items/:id',
          'http.response.status_code': '200',
        },
      });
      expect(Number(duration.Count)).toBe(1);
      expect(latest('process.memory.usage').Value).toBeGreaterThan(1_000_000);
    } finally {
      await metered.shutdown({ timeoutMs: 5000 });
    }
  });
});
