/** Maps validated events to ClickHouse rows (snake_case / OTel exporter column names). */
import type {
  LabelEvent,
  LogRecord,
  MetricPoint,
  PredictionEvent,
  SpanRecord,
} from '@driftwatch/schema';

type Resource = Readonly<Record<string, string>>;
type AttributeMap = Record<string, string>;

/**
 * An empty map for names from the wire: without a prototype, a member named `__proto__` is
 * stored under its name (on a plain object, assigning it set the prototype: the member was lost).
 */
function nameMap<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** `DateTime64(9)` text from OTLP nanoseconds, exact (no float rounding). */
export function nanosToDateTime64(unixNano: string): string {
  const nanos = BigInt(unixNano);
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${date}.${fraction}`;
}

function stringAttributes(attributes: Record<string, unknown> | undefined): AttributeMap {
  const out: AttributeMap = nameMap();
  if (!attributes) return out;
  for (const [key, value] of Object.entries(attributes)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Numeric reading of a prediction or label: numbers as is, booleans 0/1, numeric strings parsed. */
export function numericValue(value: number | string | boolean): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'true') return 1;
  if (trimmed === 'false') return 0;
  const n = trimmed === '' ? NaN : Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

export function predictionRow(event: PredictionEvent, resource: Resource) {
  const numFeatures = nameMap<number>();
  const catFeatures = nameMap<string>();
  const missing: string[] = [];
  for (const [name, value] of Object.entries(event.features)) {
    if (value === null) missing.push(name);
    else if (typeof value === 'number') numFeatures[name] = value;
    else catFeatures[name] = String(value);
  }
  return {
    prediction_id: event.predictionId,
    model: event.model,
    model_version: event.modelVersion,
    timestamp: event.timeUnixMs,
    num_features: numFeatures,
    cat_features: catFeatures,
    missing_features: missing,
    prediction: String(event.prediction),
    prediction_num: numericValue(event.prediction),
    score: event.score ?? null,
    segment: event.segment ?? '',
    request_id: event.requestId ?? '',
    trace_id: event.traceId ?? '',
    span_id: event.spanId ?? '',
    service_name: event.serviceName ?? resource['service.name'] ?? '',
  };
}

export function labelRow(event: LabelEvent) {
  return {
    prediction_id: event.predictionId,
    model: event.model ?? '',
    label: String(event.label),
    label_num: numericValue(event.label),
    timestamp: event.timeUnixMs,
  };
}

export function logRow(record: LogRecord, resource: Resource) {
  const resourceAttributes = { ...resource, ...(record.resource ?? {}) };
  return {
    Timestamp: nanosToDateTime64(record.timeUnixNano),
    ObservedTimestamp: nanosToDateTime64(record.observedTimeUnixNano ?? record.timeUnixNano),
    TraceId: record.traceId ?? '',
    SpanId: record.spanId ?? '',
    SeverityText: record.severityText ?? '',
    SeverityNumber: record.severityNumber,
    ServiceName: resourceAttributes['service.name'] ?? '',
    Body: record.body,
    ResourceAttributes: resourceAttributes,
    LogAttributes: stringAttributes(record.attributes),
  };
}

/**
 * The names the OpenTelemetry ClickHouse exporter writes (pdata's `String()`), which Grafana's
 * ClickHouse plugin reads in its trace view: `Error`, not the wire's `ERROR`.
 */
const STATUS_CODE_NAMES: Readonly<Record<string, string>> = {
  UNSET: 'Unset',
  OK: 'Ok',
  ERROR: 'Error',
};
const SPAN_KIND_NAMES: Readonly<Record<string, string>> = {
  INTERNAL: 'Internal',
  SERVER: 'Server',
  CLIENT: 'Client',
  PRODUCER: 'Producer',
  CONSUMER: 'Consumer',
};

export function spanRow(span: SpanRecord, resource: Resource) {
  const resourceAttributes = { ...resource, ...(span.resource ?? {}) };
  const durationNanos = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  const events = span.events ?? [];
  const links = span.links ?? [];
  return {
    Timestamp: nanosToDateTime64(span.startTimeUnixNano),
    TraceId: span.traceId,
    SpanId: span.spanId,
    ParentSpanId: span.parentSpanId ?? '',
    TraceState: span.traceState ?? '',
    SpanName: span.name,
    SpanKind: SPAN_KIND_NAMES[span.kind] ?? 'Unspecified',
    ServiceName: resourceAttributes['service.name'] ?? '',
    ResourceAttributes: resourceAttributes,
    SpanAttributes: stringAttributes(span.attributes),
    Duration: (durationNanos > 0n ? durationNanos : 0n).toString(),
    StatusCode: STATUS_CODE_NAMES[span.status?.code ?? 'UNSET'] ?? 'Unset',
    StatusMessage: span.status?.message ?? '',
    // The exporter's `Events Nested(...)`: exception events (exception.type/message/stacktrace)
    // are where a failed span says why; Grafana's trace view reads them from these arrays.
    'Events.Timestamp': events.map((event) => nanosToDateTime64(event.timeUnixNano)),
    'Events.Name': events.map((event) => event.name),
    'Events.Attributes': events.map((event) => stringAttributes(event.attributes)),
    // The exporter's `Links Nested(...)`: the spans this one follows from (a batch's inputs).
    'Links.TraceId': links.map((link) => link.traceId),
    'Links.SpanId': links.map((link) => link.spanId),
    'Links.TraceState': links.map((link) => link.traceState ?? ''),
    'Links.Attributes': links.map((link) => stringAttributes(link.attributes)),
  };
}

export function metricRow(point: MetricPoint, resource: Resource) {
  const resourceAttributes = { ...resource, ...(point.resource ?? {}) };
  const base = {
    TimeUnix: nanosToDateTime64(point.timeUnixNano),
    // A cumulative point's start tells a counter reset (a restarted process) from a drop.
    StartTimeUnix: nanosToDateTime64(point.startTimeUnixNano ?? point.timeUnixNano),
    MetricName: point.name,
    MetricDescription: point.description ?? '',
    MetricType: point.type,
    // Whether rate() applies (a counter) or the value is a level (an up-down counter).
    IsMonotonic: point.type === 'sum' && point.monotonic,
    MetricUnit: point.unit ?? '',
    ServiceName: resourceAttributes['service.name'] ?? '',
    // The process that sent the point: replicas' series stay apart (service.instance.id).
    ResourceAttributes: resourceAttributes,
    Attributes: stringAttributes(point.attributes),
  };
  if (point.type === 'histogram') {
    return {
      ...base,
      Value: 0,
      Count: point.count,
      Sum: point.sum,
      BucketCounts: point.bucketCounts,
      ExplicitBounds: point.explicitBounds,
    };
  }
  return { ...base, Value: point.value, Count: 0, Sum: 0, BucketCounts: [], ExplicitBounds: [] };
}
