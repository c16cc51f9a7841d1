/**
 * Pre-aggregated counters and histograms for the per-request hot path. The OTel metrics SDK sorts
 * and JSON-stringifies the attributes on every record to find the series; here a series is found
 * by the identity of the (cached, never mutated) attribute object, so a record is a WeakMap lookup
 * and a few additions. The registry is a MetricProducer: both readers (Prometheus and the push to
 * the transport) collect it next to the SDK's own instruments, with cumulative temporality.
 *
 * Usage (the registry is `SdkMeters.fast`; it also works without readers, recording for nothing):
 *   const duration = fast.histogram({ name: 'http.server.request.duration', unit: 's',
 *     description: '…', boundaries: HTTP_DURATION_BUCKETS });
 *   const attributes = Object.freeze({ 'http.request.method': 'GET', … }); // cache and reuse it
 *   duration.record(0.012, attributes); // or, without the lookup: duration.bind(attributes).record(…)
 *   fast.counter({ name: 'driftwatch.model.predictions', description: '…' }).add(1, attributes);
 * Attribute objects must not be mutated after their first use (the series is keyed by identity).
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
import { CounterSeries, HistogramSeries } from './fast-series.js';

/** Most series per instrument; later attribute sets share one `otel.metric.overflow` series, as in OTel. */
export const CARDINALITY_LIMIT = 2000;
const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

export interface FastInstrumentOptions {
  readonly name: string;
  readonly description?: string;
  readonly unit?: string;
}

export interface FastHistogramOptions extends FastInstrumentOptions {
  /** Explicit upper bounds, increasing (a value v falls in the first bucket with v ≤ bound). */
  readonly boundaries: readonly number[];
}

/** Stable key of an attribute set, so equal sets from different objects share a series. */
function keyOf(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
}
const OVERFLOW_KEY = keyOf(OVERFLOW_ATTRIBUTES);

abstract class FastInstrument<S extends CounterSeries | HistogramSeries> {
  private readonly byObject = new WeakMap<Attributes, S>();
  private readonly byKey = new Map<string, S>();
  protected readonly series: S[] = [];
  private overflowed = false;

  constructor(
    readonly options: FastInstrumentOptions,
    /** Told once, when the first attribute set over the limit goes to the overflow series. */
    private readonly onOverflow?: (name: string) => void,
  ) {}

  /** The series of `attributes`, to add or record without the lookup. */
  bind(attributes: Attributes): S {
    return this.seriesOf(attributes);
  }

  /** The series of `attributes` (found once, then cached on the object). */
  protected seriesOf(attributes: Attributes): S {
    const found = this.byObject.get(attributes);
    if (found !== undefined) return found;
    const series = this.seriesByKey(keyOf(attributes), attributes);
    this.byObject.set(attributes, series);
    return series;
  }

  private seriesByKey(key: string, attributes: Attributes): S {
    let series = this.byKey.get(key);
    if (series !== undefined) return series;
    if (this.byKey.size >= CARDINALITY_LIMIT - 1 && key !== OVERFLOW_KEY) {
      if (!this.overflowed) {
        this.overflowed = true;
        this.onOverflow?.(this.options.name);
      }
      return this.seriesByKey(OVERFLOW_KEY, OVERFLOW_ATTRIBUTES);
    }
    series = this.create(attributes);
    this.byKey.set(key, series);
    this.series.push(series);
    return series;
  }

  protected abstract create(attributes: Attributes): S;
  abstract collect(now: HrTime): MetricData | undefined;
}

/** A monotonic counter (`{name}_total` in Prometheus). */
export class FastCounter extends FastInstrument<CounterSeries> {
  /** Adds `value` (ignored unless finite and ≥ 0). */
  add(value: number, attributes: Attributes): void {
    this.seriesOf(attributes).add(value);
  }

  protected create(attributes: Attributes): CounterSeries {
    return new CounterSeries(attributes, hrTime());
  }

  collect(now: HrTime): MetricData | undefined {
    if (this.series.length === 0) return undefined;
    return {
      descriptor: descriptorOf(this.options),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: this.series.map((series) => series.point(now)),
    };
  }
}

/** A histogram with explicit buckets (`{name}_bucket`, `_sum`, `_count` in Prometheus). */
export class FastHistogram extends FastInstrument<HistogramSeries> {
  private readonly boundaries: readonly number[];

  constructor(options: FastHistogramOptions, onOverflow?: (name: string) => void) {
    super(options, onOverflow);
    this.boundaries = Object.freeze([...options.boundaries]);
  }

  /** Records `value` (ignored unless finite; unlike OTel's histogram, negative values count). */
  record(value: number, attributes: Attributes): void {
    this.seriesOf(attributes).record(value);
  }

  protected create(attributes: Attributes): HistogramSeries {
    return new HistogramSeries(attributes, hrTime(), this.boundaries);
  }

  collect(now: HrTime): MetricData | undefined {
    if (this.series.length === 0) return undefined;
    return {
      descriptor: descriptorOf(this.options),
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: this.series.map((series) => series.point(now)),
    };
  }
}

function descriptorOf(options: FastInstrumentOptions): MetricData['descriptor'] {
  return {
    name: options.name,
    description: options.description ?? '',
    unit: options.unit ?? '',
    valueType: ValueType.DOUBLE,
  };
}

/** The registry of fast instruments, collected by the SDK's metric readers. */
export class FastMetrics implements MetricProducer {
  private readonly instruments: Array<FastCounter | FastHistogram> = [];
  private readonly names = new Map<string, FastCounter | FastHistogram>();

  constructor(
    private readonly resource: Resource,
    private readonly scopeName = '@driftwatch/sdk',
    /**
     * Told once per instrument when its series reach CARDINALITY_LIMIT: from then on new attribute
     * sets (routes, model versions) are recorded together, without their labels.
     */
    private readonly onOverflow?: (name: string) => void,
  ) {}

  /** A counter; asking twice for one name returns the same instrument. */
  counter(options: FastInstrumentOptions): FastCounter {
    const existing = this.names.get(options.name);
    if (existing instanceof FastCounter) return existing;
    return this.add(new FastCounter(options, this.onOverflow));
  }

  /** A histogram; asking twice for one name returns the same instrument. */
  histogram(options: FastHistogramOptions): FastHistogram {
    const existing = this.names.get(options.name);
    if (existing instanceof FastHistogram) return existing;
    return this.add(new FastHistogram(options, this.onOverflow));
  }

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const metrics: MetricData[] = [];
    for (const instrument of this.instruments) {
      const data = instrument.collect(now);
      if (data) metrics.push(data);
    }
    return Promise.resolve({
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: metrics.length > 0 ? [{ scope: { name: this.scopeName }, metrics }] : [],
      },
      errors: [],
    });
  }

  private add<T extends FastCounter | FastHistogram>(instrument: T): T {
    if (this.names.has(instrument.options.name))
      throw new Error(`metric ${instrument.options.name} is already registered with another type`);
    this.names.set(instrument.options.name, instrument);
    this.instruments.push(instrument);
    return instrument;
  }
}
