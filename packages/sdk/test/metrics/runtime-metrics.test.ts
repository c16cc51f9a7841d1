/**
 * Runtime metrics read by a real MeterProvider: process.cpu.utilization as the semconv defines it,
 * and GC pauses from V8's own gc performance entries.
 */
import type { Meter } from '@opentelemetry/api';
import {
  MeterProvider,
  MetricReader,
  type GaugeMetricData,
  type HistogramMetricData,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRuntimeGauges, RuntimeGauges } from '../../src/metrics/runtime-gauges.js';
import { startRuntimeMetrics } from '../../src/metrics/runtime-metrics.js';

/** A reader collected on demand (no exporter, no timer). */
class OnDemandReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** The metric `name` among what a reader collected. */
function metricNamed<T extends MetricData>(resourceMetrics: ResourceMetrics, name: string): T {
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((data) => data.descriptor.name === name) as T;
}

/** A provider whose one on-demand reader collects the runtime gauges, as createSdkMeters wires it. */
function onDemand(): { reader: OnDemandReader; provider: MeterProvider; meter: Meter } {
  const resource = resourceFromAttributes({});
  const gauges = new RuntimeGauges(resource);
  const reader = new OnDemandReader({ metricProducers: [gauges] });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('test');
  attachRuntimeGauges(meter, gauges);
  return { reader, provider, meter };
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('runtime metrics', () => {
  it('divides process CPU time by elapsed time × available CPUs, within [0, 1]', async () => {
    const { reader, provider, meter } = onDemand();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    stop = startRuntimeMetrics(meter);
    busyFor(300); // one core busy: about 1/CPUs of the capacity
    const { resourceMetrics } = await reader.collect();
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = performance.now() - startedAt;

    const metric = metricNamed<GaugeMetricData>(resourceMetrics, 'process.cpu.utilization');
    const value = metric.dataPoints[0]?.value as number;
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(1);
    // The window measured inside lies within ours. Undivided, the value would be CPUs times this
    // (on a one-CPU host the two agree, and this check cannot tell them apart).
    const expected = (cpu.user + cpu.system) / 1000 / (elapsedMs * availableParallelism());
    expect(Math.abs(value - expected) / expected).toBeLessThan(0.25);
    await provider.shutdown();
  });

  it('records GC pauses in v8js.gc.duration (seconds) by v8js.gc.type', async () => {
    const { reader, provider, meter } = onDemand();
    stop = startRuntimeMetrics(meter);
    // Enough short-lived garbage for several young-generation collections.
    let kept = 0;
    for (let i = 0; i < 2_000; i += 1) kept += new Array<number>(5_000).fill(i).length;
    expect(kept).toBe(10_000_000);
    // gc entries are delivered asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { resourceMetrics } = await reader.collect();
    const metric = metricNamed<HistogramMetricData>(resourceMetrics, 'v8js.gc.duration');
    expect(metric.descriptor.unit).toBe('s');
    const minor = metric.dataPoints.find((point) => point.attributes['v8js.gc.type'] === 'minor');
    expect(minor?.value.count).toBeGreaterThan(0);
    // Pauses are fractions of a second, not milliseconds.
    expect(minor!.value.sum! / minor!.value.count).toBeLessThan(0.5);
    expect(minor!.value.sum).toBeGreaterThan(0);
    await provider.shutdown();
  });

  it('reads an idle event loop as ~0 delay, not the sampling period', async () => {
    const { reader, provider, meter } = onDemand();
    stop = startRuntimeMetrics(meter);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { resourceMetrics } = await reader.collect();
    const p50 = metricNamed<GaugeMetricData>(resourceMetrics, 'nodejs.eventloop.delay.p50');
    const value = p50.dataPoints[0]?.value as number;
    expect(value).toBeGreaterThanOrEqual(0);
    // The sampling period is 10 ms: an idle loop measured with it left in reads >= 0.009 s.
    expect(value).toBeLessThan(0.005);
    await provider.shutdown();
  });

  it('keeps one window per consumer: a stall one collection saw still reaches the other', async () => {
    const { reader, provider, meter } = onDemand();
    let consumer = 'push';
    stop = startRuntimeMetrics(meter, () => consumer);
    const maxDelay = async (): Promise<number> => {
      const { resourceMetrics } = await reader.collect();
      const data = metricNamed<GaugeMetricData>(resourceMetrics, 'nodejs.eventloop.delay.max');
      return data.dataPoints[0]?.value as number;
    };
    await new Promise((resolve) => setTimeout(resolve, 50));
    busyFor(300); // a stall of the event loop
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await maxDelay()).toBeGreaterThan(0.2); // the push saw it
    // The next scrape comes after the 5 s a window is kept: it must see the stall too.
    await new Promise((resolve) => setTimeout(resolve, 5200));
    consumer = 'scrape';
    expect(await maxDelay()).toBeGreaterThan(0.2);
    consumer = 'push';
    expect(await maxDelay()).toBeLessThan(0.1); // the push's own next window: no stall in it
    await provider.shutdown();
  }, 15_000);
});
