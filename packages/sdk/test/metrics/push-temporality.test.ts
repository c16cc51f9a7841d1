/**
 * Temporality of the metric points pushed through the transport: gauges carry what one collection
 * observed, sums and histograms stay running totals (the collector stores each value as it comes).
 */
import type { MetricPoint } from '@driftwatch/schema';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { gaugeDeltaTemporality } from '../../src/metrics/gauge-delta-temporality.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** The points one collection pushes through the memory transport. */
async function pushedPoints(target: Monitor): Promise<MetricPoint[]> {
  const transport = target.transport as MemoryTransport;
  transport.clear();
  await target.flush();
  return transport.items('metrics');
}

function find(points: readonly MetricPoint[], name: string, attributes: object = {}): MetricPoint {
  const found = points.find(
    (point) =>
      point.name === name &&
      Object.entries(attributes).every(([key, value]) => point.attributes?.[key] === value),
  );
  if (!found) throw new Error(`no pushed point ${name} ${JSON.stringify(attributes)}`);
  return found;
}

/** A memory-transport monitor without runtime metrics that has logged one prediction. */
function monitorWithOnePrediction(): Monitor {
  const created = init(
    {
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
    },
    {},
  );
  created.logPrediction({ model: 'risk', modelVersion: '3', features: { age: 41 }, prediction: 1 });
  return created;
}

describe('metric points pushed through the transport', () => {
  it('asks for delta gauges and cumulative everything else', () => {
    for (const type of Object.values(InstrumentType)) {
      const gauge = type === InstrumentType.GAUGE || type === InstrumentType.OBSERVABLE_GAUGE;
      expect(gaugeDeltaTemporality(type), type).toBe(
        gauge ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
      );
    }
  });

  it('sends runtime metrics in the final push of a process shorter than one export interval', async () => {
    const shortLived = init(
      {
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: captureLogs().destination },
        metrics: { serve: false, exportIntervalMs: 600_000, gpu: { enabled: false } },
      },
      {},
    );
    shortLived.logPrediction({
      model: 'job',
      modelVersion: '1',
      features: { a: 1 },
      prediction: 1,
    });
    await shortLived.shutdown();
    const names = new Set(
      (shortLived.transport as MemoryTransport).items('metrics').map((point) => point.name),
    );
    expect(names).toContain('driftwatch.model.predictions');
    expect(names).toContain('process.cpu.time');
    expect(names).toContain('process.memory.usage');
    expect(names).toContain('nodejs.eventloop.utilization');
    // process.cpuUsage() counts from the process's start, and so must the sum's start time (a
    // rate over [start, end] would otherwise exceed the cores this process has).
    const cpu = (shortLived.transport as MemoryTransport)
      .items('metrics')
      .find((point) => point.name === 'process.cpu.time');
    const startMs = Number(BigInt(cpu!.startTimeUnixNano ?? 0) / 1_000_000n);
    expect(Math.abs(startMs - performance.timeOrigin)).toBeLessThan(5);
  });

  it('keeps counters and histograms cumulative from one collection to the next', async () => {
    const target = (monitor = monitorWithOnePrediction());
    // An object is not a feature value: one dropped{reason="invalid"} (an observable counter).
    target.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: { age: {} as never },
      prediction: 0,
      score: 0.4,
    });

    const first = await pushedPoints(target);
    const second = await pushedPoints(target);
    for (const points of [first, second]) {
      expect(find(points, 'driftwatch_sdk_dropped', { reason: 'invalid' })).toMatchObject({
        type: 'sum',
        monotonic: true,
        value: 1,
      });
      expect(find(points, 'driftwatch.model.predictions', { model: 'risk' })).toMatchObject({
        type: 'sum',
        value: 2,
      });
      expect(find(points, 'driftwatch.model.score', { model: 'risk' })).toMatchObject({
        type: 'histogram',
        count: 1,
      });
      // A gauge observed in every collection is pushed every time, for every signal.
      expect(points.filter((point) => point.name === 'driftwatch_sdk_queue_items')).toHaveLength(5);
    }
    // Running totals share their start; a delta would restart at the previous collection.
    expect(find(second, 'driftwatch_sdk_dropped', { reason: 'invalid' }).startTimeUnixNano).toBe(
      find(first, 'driftwatch_sdk_dropped', { reason: 'invalid' }).startTimeUnixNano,
    );
  });

  it('pushes the last points once at shutdown, not once per reader stop', async () => {
    const target = (monitor = monitorWithOnePrediction());
    const transport = target.transport as MemoryTransport;
    transport.clear();
    await target.shutdown({ timeoutMs: 1000 });
    monitor = undefined;
    const pushed = transport.items('metrics');
    // One collection: each series once (a second would store every point twice in the collector).
    expect(pushed.filter((point) => point.name === 'driftwatch.model.predictions')).toHaveLength(1);
    expect(pushed.filter((point) => point.name === 'driftwatch_sdk_queue_items')).toHaveLength(5);
  });
});
