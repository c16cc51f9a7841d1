/**
 * The SDK's MeterProvider: one Prometheus exporter (scraped on /metrics) and one periodic reader
 * that pushes the same metrics through the transport. Also registers the SDK's own health
 * metrics; the GPU gauges fed by the nvidia-smi monitor (gpu-gauges.ts) and the runtime gauges
 * (runtime-gauges.ts, started by startRuntimeMetrics) are read by both readers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
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
import { CARDINALITY_LIMIT, FastMetrics } from './fast-instruments.js';
import { gaugeDeltaTemporality } from './gauge-delta-temporality.js';
import { GpuGauges, type GpuDeviceSource } from './gpu-gauges.js';
import { PipelineMetricExporter } from './metric-points.js';
import { prometheusLabels } from './prometheus-labels.js';
import { attachRuntimeGauges, RuntimeGauges } from './runtime-gauges.js';

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

/** The media type of the Prometheus text exposition format, version 0.0.4. */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

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

/**
 * Prometheus exporter that reads gauges as delta (see gauge-delta-temporality.ts) and renders
 * `target_info` from the resource's attributes under valid, distinct label names
 * (prometheus-labels.ts); the push through the transport keeps the attributes as they are.
 */
class PrometheusGaugeDeltaExporter extends PrometheusExporter {
  private targetInfo: { readonly of: Resource; readonly labelled: Resource } | undefined;

  /**
   * As the exporter's, with the text format's own media type: it writes a bare `text/plain`, no
   * version (how a scraper tells this format from others) and no charset, so a browser or curl
   * read a route's UTF-8 label (`é`) as Latin-1. Set before the collection ends: no header is
   * sent before then.
   */
  override getMetricsRequestHandler(request: IncomingMessage, response: ServerResponse): void {
    super.getMetricsRequestHandler(request, response);
    if (!response.headersSent) response.setHeader('content-type', PROMETHEUS_TEXT);
  }

  override async collect(
    ...args: Parameters<PrometheusExporter['collect']>
  ): ReturnType<PrometheusExporter['collect']> {
    scrapesCollecting += 1;
    try {
      const collected = await super.collect(...args);
      const { resource } = collected.resourceMetrics;
      if (this.targetInfo?.of !== resource) {
        const labelled = resourceFromAttributes(prometheusLabels(resource.attributes));
        this.targetInfo = { of: resource, labelled };
      }
      return {
        ...collected,
        resourceMetrics: { ...collected.resourceMetrics, resource: this.targetInfo.labelled },
      };
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
  /** The GPU monitor: its devices become the `hw.gpu.*` gauges, read at each collection. */
  readonly gpu?: GpuDeviceSource;
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
  const runtime = new RuntimeGauges(resource);
  const metricProducers = config.gpu
    ? [fast, runtime, new GpuGauges(resource, config.gpu)]
    : [fast, runtime];
  const prometheus: PrometheusExporter = new PrometheusGaugeDeltaExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    metricProducers,
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
        metricProducers,
      }),
    );
  }
  const provider = new MeterProvider({ resource, readers });
  const meter = provider.getMeter('@driftwatch/sdk');
  attachRuntimeGauges(meter, runtime);
  return {
    meter,
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
