/**
 * The per-device GPU gauges (`hw.gpu.*`), served as a MetricProducer that reads the monitor's
 * latest sweep at each collection. Not observable gauges: in the OTel metrics SDK a callback run
 * by one reader writes its observations into every reader's storage, so a device the push saw
 * just before it vanished would reach the next scrape with its old value (and the other way
 * round). Read here, each collection holds exactly the devices current at that moment.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { GpuSample } from './nvidia-smi-csv.js';

/** What the gauges read: the devices of the latest complete sweep (GpuMonitor). */
export interface GpuDeviceSource {
  devices(): readonly GpuSample[];
}

interface GpuGauge {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly value: (device: GpuSample) => number | undefined;
}

const GAUGES: readonly GpuGauge[] = [
  {
    name: 'hw.gpu.utilization',
    unit: '1',
    description: 'GPU utilization (0–1)',
    value: (device) => device.utilization,
  },
  {
    name: 'hw.gpu.memory.usage',
    unit: 'By',
    description: 'GPU memory used',
    value: (device) => device.memoryUsedBytes,
  },
  {
    name: 'hw.gpu.memory.limit',
    unit: 'By',
    description: 'GPU memory total',
    value: (device) => device.memoryTotalBytes,
  },
  {
    name: 'hw.gpu.temperature',
    unit: 'Cel',
    description: 'GPU temperature',
    value: (device) => device.temperatureCelsius,
  },
  {
    name: 'hw.gpu.power',
    unit: 'W',
    description: 'GPU power draw',
    value: (device) => device.powerWatts,
  },
];

/** Per-device GPU gauges; no devices, no series (a value a device does not report: no point). */
export class GpuGauges implements MetricProducer {
  /** Start of every point: gauges carry no running total, so only the end time says much. */
  private readonly startTime: HrTime = hrTime();

  constructor(
    private readonly resource: Resource,
    private readonly source: GpuDeviceSource,
    private readonly scopeName = '@driftwatch/sdk',
  ) {}

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const devices = this.source.devices();
    const attributes: Attributes[] = devices.map((device) => ({
      'hw.id': device.uuid,
      'hw.name': device.name,
      'gpu.index': device.index,
    }));
    const metrics: MetricData[] = [];
    for (const gauge of GAUGES) {
      const dataPoints = [];
      for (const [i, device] of devices.entries()) {
        const value = gauge.value(device);
        if (value === undefined) continue;
        dataPoints.push({
          startTime: this.startTime,
          endTime: now,
          attributes: attributes[i] as Attributes,
          value,
        });
      }
      if (dataPoints.length === 0) continue;
      metrics.push({
        descriptor: {
          name: gauge.name,
          description: gauge.description,
          unit: gauge.unit,
          valueType: ValueType.DOUBLE,
        },
        // As the readers read the SDK's gauges (gauge-delta-temporality.ts): current values only.
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.GAUGE,
        dataPoints,
      });
    }
    return Promise.resolve({
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: this.scopeName }, metrics }] : [],
      },
      errors: [],
    });
  }
}
