/**
 * The process and event-loop metrics (`process.cpu.*`, `process.memory.usage`,
 * `v8js.memory.heap.used`, `nodejs.eventloop.*`), served as a MetricProducer read at each
 * collection. Not observable instruments: in the OTel metrics SDK a callback run by one reader
 * writes its observations into every reader's storage, and a reader keeps the observation with the
 * latest Date.now() stamp. After the wall clock stepped back (an NTP step), or when this reader's
 * callback failed (out of file descriptors, reading the RSS throws EMFILE), the scrape showed the
 * push's window as its own, or the other way round. Read here, each collection holds what was read
 * for it, and a value that could not be read is missing from it (the error goes back to the
 * reader, which hands it to OTel's diag logger, as it did a failed callback's).
 */
import { ValueType, type Attributes, type HrTime, type Meter } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { getHeapStatistics } from 'node:v8';
import type { RuntimeWindow } from './runtime-windows.js';

/** What the gauges read; the window is that of the consumer collecting (see runtime-metrics.ts). */
export interface RuntimeSource {
  window(): RuntimeWindow;
}

interface Gauge {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly value: (window: RuntimeWindow) => number;
}

const WINDOW_GAUGES: readonly Gauge[] = [
  {
    name: 'process.cpu.utilization',
    unit: '1',
    description: 'CPU time over the last window / (elapsed time × CPUs available), 0–1',
    value: (window) => window.cpuUtilization,
  },
  {
    name: 'nodejs.eventloop.utilization',
    unit: '1',
    description: 'Event-loop utilization over the last window',
    value: (window) => window.eventLoopUtilization,
  },
  ...(
    [
      ['min', 'minimum'],
      ['max', 'maximum'],
      ['mean', 'mean'],
      ['p50', 'median'],
      ['p90', '90th percentile'],
      ['p99', '99th percentile'],
    ] as const
  ).map(([key, what]) => ({
    name: `nodejs.eventloop.delay.${key}`,
    unit: 's',
    description: `Event-loop delay, ${what}`,
    value: (window: RuntimeWindow) => window.delay[key],
  })),
];

const USER: Attributes = Object.freeze({ 'cpu.mode': 'user' });
const SYSTEM: Attributes = Object.freeze({ 'cpu.mode': 'system' });
const NO_ATTRIBUTES: Attributes = Object.freeze({});
// performance.timeOrigin: when this process started.
const PROCESS_START: HrTime = hrTime(0);

function descriptor(name: string, unit: string, description: string): MetricData['descriptor'] {
  return { name, description, unit, valueType: ValueType.DOUBLE };
}

/** Runtime metrics of this process; nothing until served (metrics.runtime on). */
export class RuntimeGauges implements MetricProducer {
  private source: RuntimeSource | undefined;
  private startTime: HrTime = hrTime();

  constructor(
    private readonly resource: Resource,
    private readonly scopeName = '@driftwatch/sdk',
  ) {}

  /** Serves the source's values from now on; returns a function that stops serving them. */
  serve(source: RuntimeSource): () => void {
    this.source = source;
    this.startTime = hrTime();
    return () => {
      if (this.source === source) this.source = undefined;
    };
  }

  collect(): Promise<CollectionResult> {
    const metrics: MetricData[] = [];
    const errors: unknown[] = [];
    const source = this.source;
    if (source !== undefined) this.read(source, metrics, errors);
    return Promise.resolve({
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: this.scopeName }, metrics }] : [],
      },
      errors,
    });
  }

  private read(source: RuntimeSource, metrics: MetricData[], errors: unknown[]): void {
    const now = hrTime();
    const attempt = <T>(read: () => T): T | undefined => {
      try {
        return read();
      } catch (error) {
        errors.push(error);
        return undefined;
      }
    };
    const point = (value: number, attributes = NO_ATTRIBUTES, startTime = this.startTime) => ({
      startTime,
      endTime: now,
      attributes,
      value,
    });
    const gauge = (name: string, unit: string, description: string, value: number | undefined) => {
      if (value === undefined) return;
      metrics.push({
        descriptor: descriptor(name, unit, description),
        // As the readers read the SDK's gauges (gauge-delta-temporality.ts): current values only.
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.GAUGE,
        dataPoints: [point(value)],
      });
    };

    const cpu = attempt(() => process.cpuUsage());
    if (cpu !== undefined) {
      metrics.push({
        descriptor: descriptor(
          'process.cpu.time',
          's',
          'CPU time used by the process, by cpu.mode',
        ),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        // process.cpuUsage() counts from the process's start, not from when metrics started.
        dataPoints: [
          point(cpu.user / 1e6, USER, PROCESS_START),
          point(cpu.system / 1e6, SYSTEM, PROCESS_START),
        ],
      });
    }
    gauge(
      'process.memory.usage',
      'By',
      'Resident set size of the process',
      // Reads /proc/self/stat on Linux: throws when out of file descriptors.
      attempt(() => process.memoryUsage.rss()),
    );
    gauge(
      'v8js.memory.heap.used',
      'By',
      'V8 heap in use',
      attempt(() => getHeapStatistics().used_heap_size),
    );
    const window = attempt(() => source.window());
    if (window === undefined) return;
    for (const { name, unit, description, value } of WINDOW_GAUGES)
      gauge(name, unit, description, value(window));
  }
}

/** The RuntimeGauges each meter's readers serve (createSdkMeters), for startRuntimeMetrics. */
const gaugesOfMeter = new WeakMap<Meter, RuntimeGauges>();

/** Records that the readers of `meter`'s provider collect `gauges`. */
export function attachRuntimeGauges(meter: Meter, gauges: RuntimeGauges): void {
  gaugesOfMeter.set(meter, gauges);
}

export function runtimeGaugesOf(meter: Meter): RuntimeGauges | undefined {
  return gaugesOfMeter.get(meter);
}
