/**
 * Converts collected OTel metrics into MetricPoint items (one per data point) and a push exporter
 * that queues them into the export pipeline on every periodic collection.
 */
import type { Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  DataPointType,
  type AggregationTemporality,
  type InstrumentType,
  type MetricData,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { validateItem, type MetricPoint } from '@driftwatch/schema';
import type { ExportPipeline } from '../pipeline/export-pipeline.js';
import { hrTimeToNanoString } from '../traces/span-record.js';
import { gaugeDeltaTemporality } from './gauge-delta-temporality.js';

type Flat = string | number | boolean | Array<string | number | boolean>;

function attributesOf(input: Attributes): Record<string, Flat> | undefined {
  let out: Record<string, Flat> | undefined;
  for (const key in input) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    (out ??= {})[key] = Array.isArray(value)
      ? (value.filter((v) => v !== null && v !== undefined) as Array<string | number | boolean>)
      : (value as Flat);
  }
  return out;
}

/** Every data point of one metric as MetricPoint items (exponential histograms are skipped). */
export function metricPointsOf(metric: MetricData): MetricPoint[] {
  const { name, description, unit } = metric.descriptor;
  const points: MetricPoint[] = [];
  for (const point of metric.dataPoints) {
    const base = {
      name,
      timeUnixNano: hrTimeToNanoString(point.endTime),
      startTimeUnixNano: hrTimeToNanoString(point.startTime),
      ...(description ? { description: description.slice(0, 1024) } : {}),
      ...(unit ? { unit: unit.slice(0, 64) } : {}),
    };
    const attributes = attributesOf(point.attributes);
    const withAttributes = attributes ? { ...base, attributes } : base;
    if (metric.dataPointType === DataPointType.GAUGE) {
      points.push({ ...withAttributes, type: 'gauge', value: point.value as number });
    } else if (metric.dataPointType === DataPointType.SUM) {
      points.push({
        ...withAttributes,
        type: 'sum',
        value: point.value as number,
        monotonic: metric.isMonotonic,
      });
    } else if (metric.dataPointType === DataPointType.HISTOGRAM) {
      const value = point.value as {
        buckets: { boundaries: number[]; counts: number[] };
        sum?: number;
        count: number;
      };
      points.push({
        ...withAttributes,
        type: 'histogram',
        count: value.count,
        sum: value.sum ?? 0,
        explicitBounds: [...value.buckets.boundaries],
        bucketCounts: [...value.buckets.counts],
      });
    }
  }
  return points;
}

/**
 * Push exporter that queues every valid point as a `metrics` item. Gauges are read as delta, so a
 * series no longer observed (a GPU gone) stops being pushed; sums and histograms stay cumulative.
 */
export class PipelineMetricExporter implements PushMetricExporter {
  private closed = false;

  constructor(private readonly pipeline: ExportPipeline) {}

  /** Later exports queue nothing (the reader's own export when it stops, after the last flush). */
  close(): void {
    this.closed = true;
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return gaugeDeltaTemporality(instrumentType);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    try {
      for (const scope of metrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metricPointsOf(metric)) {
            const result = validateItem('metrics', point);
            if (result.ok) {
              // Exact: points come a few hundred per export interval, not per request, and a
              // histogram's buckets or non-ASCII attribute values would defeat a cheap guess.
              this.pipeline.enqueue('metrics', point, Buffer.byteLength(JSON.stringify(point)));
            } else {
              const issue = result.issues[0];
              this.pipeline.invalid(
                'metrics',
                `${point.name}${issue?.path ?? ''}: ${issue?.message ?? 'invalid'}`,
              );
            }
          }
        }
      }
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
