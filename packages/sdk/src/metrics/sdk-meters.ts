/**
 * The SDK's MeterProvider: one Prometheus exporter (scraped on /metrics) and one periodic reader
 * that pushes the same metrics through the transport. Also registers the SDK's own health
 * metrics and the GPU gauges fed by the nvidia-smi monitor.
 */
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type AggregationTemporality,
  type InstrumentType,
} from '@opentelemetry/sdk-metrics';
import { DROP_REASONS } from '../pipeline/drop-reasons.js';
import type { Diagnostics } from '../logs/diagnostics.js';
import type { ExportPipeline } from '../pipeline/export-pipeline.js';
import { SIGNALS } from '@driftwatch/schema';
import type { GpuMonitor } from './gpu-monitor.js';
import { CARDINALITY_LIMIT, FastMetrics } from './fast-instruments.js';
import { gaugeDeltaTemporality } from './gauge-delta-temporality.js';
import { PipelineMetricExporter } from './metric-points.js';

export interface SdkMeters {
  readonly meter: Meter;
  readonly prometheus: PrometheusExporter;
  /** Pre-aggregated instruments for the per-request hot path, collected by both readers. */
  readonly fast: FastMetrics;
  /** Collects and pushes one round of metric points into the pipeline. */
  forceFlush(): Promise<void>;
  /**
   * Stops the readers without pushing again: call forceFlush first for the last points. (The
   * periodic reader collects and exports once more when it stops, which after that flush would
   * store every point twice.)
   */
  shutdown(): Promise<void>;
}

/** Collections of the Prometheus exporter in progress (a scrape), as opposed to the push. */
let scrapesCollecting = 0;

/**
 * Who is collecting: a scrape of /metrics or the push through the transport. Windowed runtime
 * values keep one window per consumer, so that neither consumes the other's (a stall seen by one
 * would otherwise never reach the other). A push collected during a scrape (both in flight at
 * once, rare) counts as the scrape.
 */
export function collectingConsumer(): 'scrape' | 'push' {
  return scrapesCollecting > 0 ? 'scrape' : 'push';
}

/** Prometheus exporter that reads gauges as delta (see gauge-delta-temporality.ts). */
class PrometheusGaugeDeltaExporter extends PrometheusExporter {
  override async collect(
    ...args: Parameters<PrometheusExporter['collect']>
  ): ReturnType<PrometheusExporter['collect']> {
    scrapesCollecting += 1;
    try {
      return await super.collect(...args);
    } finally {
      scrapesCollecting -= 1;
    }
  }

  override selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return gaugeDeltaTemporality(instrumentType);
  }
}

export function createSdkMeters(config: {
  readonly resource: Readonly<Record<string, string>>;
  readonly exportIntervalMs: number;
  readonly pipeline: ExportPipeline;
  readonly exportThroughTransport: boolean;
  /** Told when a fast instrument's series reach their limit (a route or model version too many). */
  readonly diagnostics?: Diagnostics;
}): SdkMeters {
  const resource = resourceFromAttributes({ ...config.resource });
  const { diagnostics } = config;
  const fast = new FastMetrics(
    resource,
    undefined,
    diagnostics &&
      ((name) =>
        diagnostics.warn(
          `driftwatch: metric ${name} reached ${CARDINALITY_LIMIT} series; new attribute sets are recorded in one series labelled otel.metric.overflow="true"`,
        )),
  );
  const prometheus: PrometheusExporter = new PrometheusGaugeDeltaExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    metricProducers: [fast],
  });
  const readers = [prometheus] as Array<PrometheusExporter | PeriodicExportingMetricReader>;
  const exporter = config.exportThroughTransport
    ? new PipelineMetricExporter(config.pipeline)
    : undefined;
  if (exporter) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.exportIntervalMs,
        exportTimeoutMillis: Math.min(config.exportIntervalMs, 30_000),
        metricProducers: [fast],
      }),
    );
  }
  const provider = new MeterProvider({ resource, readers });
  return {
    meter: provider.getMeter('@driftwatch/sdk'),
    prometheus,
    fast,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => {
      exporter?.close();
      return provider.shutdown();
    },
  };
}

/** `driftwatch_sdk_queue_items{signal}`, `driftwatch_sdk_dropped_total{reason}`, `driftwatch_sdk_export_errors_total`, sent items. */
export function registerHealthMetrics(meter: Meter, pipeline: ExportPipeline): void {
  const queueItems = meter.createObservableGauge('driftwatch_sdk_queue_items', {
    description: 'Items waiting in the SDK export queues, by signal',
  });
  const dropped = meter.createObservableCounter('driftwatch_sdk_dropped', {
    description: 'Telemetry items the SDK dropped, by reason',
  });
  const exportErrors = meter.createObservableCounter('driftwatch_sdk_export_errors', {
    description: 'Failed sends to the transport (each retry counts)',
  });
  const sent = meter.createObservableCounter('driftwatch_sdk_sent_items', {
    description: 'Telemetry items delivered to the transport',
  });
  const signalAttributes = SIGNALS.map((signal) => ({ signal }));
  const reasonAttributes = DROP_REASONS.map((reason) => ({ reason }));
  meter.addBatchObservableCallback(
    (result) => {
      for (const attributes of signalAttributes)
        result.observe(queueItems, pipeline.queued(attributes.signal), attributes);
      for (const attributes of reasonAttributes)
        result.observe(dropped, pipeline.stats.dropped[attributes.reason], attributes);
      result.observe(exportErrors, pipeline.stats.exportErrors);
      result.observe(sent, pipeline.stats.sentItems);
    },
    [queueItems, dropped, exportErrors, sent],
  );
}

/** Per-device GPU gauges (`hw.gpu.*`, `hw.gpu.temperature`, `hw.gpu.power`); no devices, no series. */
export function registerGpuMetrics(meter: Meter, gpu: GpuMonitor): void {
  const utilization = meter.createObservableGauge('hw.gpu.utilization', {
    unit: '1',
    description: 'GPU utilization (0–1)',
  });
  const memoryUsage = meter.createObservableGauge('hw.gpu.memory.usage', {
    unit: 'By',
    description: 'GPU memory used',
  });
  const memoryLimit = meter.createObservableGauge('hw.gpu.memory.limit', {
    unit: 'By',
    description: 'GPU memory total',
  });
  const temperature = meter.createObservableGauge('hw.gpu.temperature', {
    unit: 'Cel',
    description: 'GPU temperature',
  });
  const power = meter.createObservableGauge('hw.gpu.power', {
    unit: 'W',
    description: 'GPU power draw',
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const device of gpu.devices()) {
        const attributes = {
          'hw.id': device.uuid,
          'hw.name': device.name,
          'gpu.index': device.index,
        };
        if (device.utilization !== undefined)
          result.observe(utilization, device.utilization, attributes);
        if (device.memoryUsedBytes !== undefined)
          result.observe(memoryUsage, device.memoryUsedBytes, attributes);
        if (device.memoryTotalBytes !== undefined)
          result.observe(memoryLimit, device.memoryTotalBytes, attributes);
        if (device.temperatureCelsius !== undefined)
          result.observe(temperature, device.temperatureCelsius, attributes);
        if (device.powerWatts !== undefined) result.observe(power, device.powerWatts, attributes);
      }
    },
    [utilization, memoryUsage, memoryLimit, temperature, power],
  );
}
