/** Fast counters and histograms: OTel bucket semantics, series by attribute set, both readers. */
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { CARDINALITY_LIMIT, FastMetrics } from '../../src/metrics/fast-instruments.js';
import { createSdkMeters } from '../../src/metrics/sdk-meters.js';
import { createMemoryTransport } from '../../src/transport/memory-transport.js';
import { init } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { testPipeline } from '../support/test-pipeline.js';

function registry(): FastMetrics {
  return new FastMetrics(resourceFromAttributes({ 'service.name': 'test' }));
}

describe('fast instruments', () => {
  it('buckets like OTel (v ≤ bound), ignores non-finite values', async () => {
    const metrics = registry();
    const histogram = metrics.histogram({ name: 'h', unit: 's', boundaries: [0.1, 1] });
    const attributes = { route: '/a' };
    for (const value of [0, 0.1, 0.5, 1, 2, Number.NaN, Infinity, -Infinity])
      histogram.record(value, attributes);
    const { resourceMetrics } = await metrics.collect();
    const data = resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData;
    expect(data.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(data.descriptor).toMatchObject({ name: 'h', unit: 's' });
    const point = data.dataPoints[0];
    expect(point?.attributes).toEqual(attributes);
    expect(point?.value).toMatchObject({
      buckets: { boundaries: [0.1, 1], counts: [2, 2, 1] },
      count: 5,
      sum: 3.6,
      min: 0,
      max: 2,
    });
  });

  it('records negative values in the lowest bucket, the sum, count and min', async () => {
    const metrics = registry();
    const histogram = metrics.histogram({ name: 'h', boundaries: [0, 0.5, 1] });
    for (const value of [-2.5, -0.25, 0.75]) histogram.record(value, {});
    const { resourceMetrics } = await metrics.collect();
    const data = resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData;
    expect(data.dataPoints[0]?.value).toEqual({
      buckets: { boundaries: [0, 0.5, 1], counts: [2, 0, 1, 0] },
      count: 3,
      sum: -2,
      min: -2.5,
      max: 0.75,
    });
  });

  it('keeps one series per attribute set, whatever object carries it', async () => {
    const metrics = registry();
    const counter = metrics.counter({ name: 'c' });
    counter.add(1, { a: '1', b: '2' });
    counter.add(2, { b: '2', a: '1' });
    counter.bind({ a: 'x' }).add(5);
    counter.add(-3, { a: 'x' });
    expect(metrics.counter({ name: 'c' })).toBe(counter);
    const { resourceMetrics } = await metrics.collect();
    const points = resourceMetrics.scopeMetrics[0]?.metrics[0]?.dataPoints ?? [];
    expect(points.map((point) => [point.attributes, point.value])).toEqual([
      [{ a: '1', b: '2' }, 3],
      [{ a: 'x' }, 5],
    ]);
  });

  it('collects nothing before the first record', async () => {
    const metrics = registry();
    metrics.histogram({ name: 'h', boundaries: [1] });
    expect((await metrics.collect()).resourceMetrics.scopeMetrics).toEqual([]);
  });

  it('caps the series of an instrument, recording the rest in one overflow series, and says so once', async () => {
    const logs = captureLogs();
    const { pipeline } = testPipeline({}, createMemoryTransport());
    const meters = createSdkMeters({
      resource: { 'service.name': 'test' },
      exportIntervalMs: 600_000,
      pipeline,
      exportThroughTransport: false,
      diagnostics: createDiagnostics('info', logs.destination),
    });
    try {
      const routes = meters.fast.counter({ name: 'routes' });
      for (let i = 0; i < CARDINALITY_LIMIT + 100; i += 1)
        routes.add(1, { 'http.route': `/r${i}` });
      const points = (await meters.fast.collect()).resourceMetrics.scopeMetrics[0]?.metrics[0]
        ?.dataPoints;
      expect(points).toHaveLength(CARDINALITY_LIMIT);
      const overflow = points?.find((point) => point.attributes['otel.metric.overflow'] === true);
      expect(overflow?.value).toBe(101);
      expect(logs.lines.map((line) => [line.level, line.msg])).toEqual([
        [40, expect.stringContaining('metric routes reached 2000 series')],
      ]);
    } finally {
      await meters.shutdown();
      await pipeline.shutdown(0);
    }
  });
});

describe('series cap in a monitor', () => {
  it('init() warns once per instrument when model versions pass the cap', async () => {
    const diagnostics = captureLogs();
    const monitor = init(
      {
        serviceName: 'series-cap-test',
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: diagnostics.destination },
        metrics: { serve: false },
        predictions: { sampleRatio: 0 },
      },
      {},
    );
    try {
      for (let i = 0; i <= CARDINALITY_LIMIT; i += 1) {
        monitor.logPrediction({
          model: 'm',
          modelVersion: `v${i}`,
          features: {},
          prediction: 1,
          score: 0.5,
        });
      }
      const warnings = diagnostics.lines
        .filter((line) => String(line.msg).includes('series'))
        .map((line) => line.msg);
      expect(warnings).toEqual([
        expect.stringContaining('metric driftwatch.model.predictions reached 2000 series'),
        expect.stringContaining('metric driftwatch.model.score reached 2000 series'),
      ]);
    } finally {
      await monitor.shutdown();
    }
  });
});
