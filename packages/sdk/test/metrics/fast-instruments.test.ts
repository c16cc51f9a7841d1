/** Fast counters and histograms: OTel bucket semantics, series by attribute set, both readers. */
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { FastMetrics } from '../../src/metrics/fast-instruments.js';

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
});
