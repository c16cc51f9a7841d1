/** Runtime metrics read by a real MeterProvider: process.cpu.utilization as the semconv defines it. */
import { MeterProvider, MetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
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
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    stop = startRuntimeMetrics(provider.getMeter('test'));
    busyFor(300); // one core busy: about 1/CPUs of the capacity
    const { resourceMetrics } = await reader.collect();
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = performance.now() - startedAt;

    const metric = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((data) => data.descriptor.name === 'process.cpu.utilization') as GaugeMetricData;
    const value = metric.dataPoints[0]?.value as number;
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(1);
    // The window measured inside lies within ours. Undivided, the value would be CPUs times this
    // (on a one-CPU host the two agree, and this check cannot tell them apart).
    const expected = (cpu.user + cpu.system) / 1000 / (elapsedMs * availableParallelism());
    expect(Math.abs(value - expected) / expected).toBeLessThan(0.25);
    await provider.shutdown();
  });
});
