/**
 * End-to-end fidelity: a real SDK monitor (HTTP transport) posts to the collector on chDB, and
 * every item it sent (the bodies are captured as the collector parsed them) is found in its
 * table, field by field, with OTLP nanoseconds, severities, ids, kinds, status, events, links,
 * attributes of every type, resources and histogram buckets as sent. The same items written
 * through the Kafka source, encoded by the SDK's Kafka transport, give the very same rows.
 */
import {
  SIGNALS,
  type LabelEvent,
  type LogRecord,
  type MetricPoint,
  type PredictionEvent,
  type Signal,
  type SpanRecord,
} from '@driftwatch/schema';
import { init } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../packages/sdk/src/transport/kafka-messages.js';
import type { TelemetryBatch } from '../../../packages/sdk/src/transport/transport.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { handleBatch } from '../../src/sources/kafka-batch.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { batchContext, batchPayload } from '../helpers/kafka-batch-payload.js';
import { openTempStorage } from '../helpers/temp-storage.js';

type Row = Record<string, unknown>;
type Resource = Record<string, string>;

let temp: Awaited<ReturnType<typeof openTempStorage>>;
let collector: CollectorApp;
const bodies: TelemetryBatch[] = [];

beforeAll(async () => {
  temp = await openTempStorage('dw_fidelity_http');
  collector = await buildApp({ storageInstance: temp.storage, logLevel: 'silent' });
  // What the collector parsed, before validation: exactly what the SDK sent.
  collector.app.addHook('preHandler', async (request) => {
    if (request.url === '/v1/ingest') bodies.push(structuredClone(request.body) as TelemetryBatch);
  });
  const url = await collector.app.listen({ host: '127.0.0.1', port: 0 });
  const silent = { write: () => undefined };
  const monitor = init({
    serviceName: 'fidelity',
    serviceVersion: '1.2.3',
    environment: 'test',
    resourceAttributes: { 'k8s.pod.name': 'pod-7' },
    transport: { type: 'http', url },
    batch: { lingerMs: 20 },
    metrics: { serve: false, exportIntervalMs: 200, gpu: { enabled: false } },
    logs: { destination: silent },
    diagnostics: { destination: silent },
  });
  monitor.span('score', (span) => {
    span.setAttributes({ n: 3, f: 1.5, b: true, words: ['x', 'y'], numbers: [1, 2] });
    span.addEvent('cache-miss', { tries: 2 });
    span.addLink({
      context: {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
        traceState: undefined,
      },
      attributes: { input: 'batch-7' },
    });
    span.recordException(new Error('model cold'));
    span.setStatus({ code: 2, message: 'degraded' });
    monitor.logger.warn({ nested: { a: 1, b: [1, 2] }, flag: false, count: 7 }, 'hello %s', 'you');
    monitor.logger.error({ err: new Error('oops') }, 'failed');
    const id = monitor.logPrediction({
      model: 'churn',
      modelVersion: '3',
      features: { tenure: 14, plan: 'pro', autopay: false, last_login: null },
      prediction: 1,
      score: 0.73,
      segment: 'eu',
    });
    monitor.logLabel(id, 0, { model: 'churn' });
    monitor.logPrediction({
      model: 'churn',
      modelVersion: '3',
      features: { tenure: 2 },
      prediction: 'stay',
    });
  });
  const request = monitor.http.start({
    method: 'POST',
    path: '/predict',
    headers: {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=e2e',
    },
  });
  request.end({ statusCode: 503, route: '/predict' });
  // Two metric exports at least: cumulative sums and histograms, delta gauges.
  await new Promise((resolve) => setTimeout(resolve, 700));
  await monitor.shutdown({ timeoutMs: 10_000 });
});

afterAll(async () => {
  await collector?.app.close();
  await temp?.dispose();
});

/** An attribute as the exporter's string maps hold it: strings as they are, the rest as JSON. */
function stringMap(attributes: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}

const KIND: Record<string, string> = {
  INTERNAL: 'Internal',
  SERVER: 'Server',
  CLIENT: 'Client',
  PRODUCER: 'Producer',
  CONSUMER: 'Consumer',
};
const STATUS: Record<string, string> = { UNSET: 'Unset', OK: 'Ok', ERROR: 'Error' };

/** The rows each item should become, from the OTel data model, not from rows.ts. */
const expected = {
  predictions: (p: PredictionEvent, resource: Resource): Row => ({
    prediction_id: p.predictionId,
    model: p.model,
    model_version: p.modelVersion,
    ms: String(p.timeUnixMs),
    num_features: Object.fromEntries(
      Object.entries(p.features).filter(([, v]) => typeof v === 'number'),
    ),
    cat_features: Object.fromEntries(
      Object.entries(p.features).flatMap(([k, v]) =>
        typeof v === 'string' || typeof v === 'boolean' ? [[k, String(v)]] : [],
      ),
    ),
    missing_features: Object.keys(p.features).filter((k) => p.features[k] === null),
    prediction: String(p.prediction),
    prediction_num: typeof p.prediction === 'number' ? p.prediction : null,
    score: p.score ?? null,
    segment: p.segment ?? '',
    request_id: p.requestId ?? '',
    trace_id: p.traceId ?? '',
    span_id: p.spanId ?? '',
    service_name: p.serviceName ?? resource['service.name'],
  }),
  labels: (l: LabelEvent): Row => ({
    prediction_id: l.predictionId,
    model: l.model ?? '',
    label: String(l.label),
    label_num: typeof l.label === 'number' ? l.label : null,
    ms: String(l.timeUnixMs),
  }),
  logs: (l: LogRecord, resource: Resource): Row => ({
    time: l.timeUnixNano,
    observed: l.observedTimeUnixNano ?? l.timeUnixNano,
    TraceId: l.traceId ?? '',
    SpanId: l.spanId ?? '',
    SeverityText: l.severityText ?? '',
    SeverityNumber: l.severityNumber,
    ServiceName: resource['service.name'],
    Body: l.body,
    ResourceAttributes: { ...resource, ...l.resource },
    LogAttributes: stringMap(l.attributes),
  }),
  spans: (s: SpanRecord, resource: Resource): Row => ({
    start: s.startTimeUnixNano,
    TraceId: s.traceId,
    SpanId: s.spanId,
    ParentSpanId: s.parentSpanId ?? '',
    TraceState: s.traceState ?? '',
    SpanName: s.name,
    SpanKind: KIND[s.kind],
    ServiceName: resource['service.name'],
    ResourceAttributes: { ...resource, ...s.resource },
    SpanAttributes: stringMap(s.attributes),
    duration: (BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)).toString(),
    StatusCode: STATUS[s.status?.code ?? 'UNSET'],
    StatusMessage: s.status?.message ?? '',
    eventTimes: (s.events ?? []).map((e) => e.timeUnixNano),
    eventNames: (s.events ?? []).map((e) => e.name),
    eventAttributes: (s.events ?? []).map((e) => stringMap(e.attributes)),
    linkTraceIds: (s.links ?? []).map((l) => l.traceId),
    linkSpanIds: (s.links ?? []).map((l) => l.spanId),
    linkTraceStates: (s.links ?? []).map((l) => l.traceState ?? ''),
    linkAttributes: (s.links ?? []).map((l) => stringMap(l.attributes)),
  }),
  metrics: (m: MetricPoint, resource: Resource): Row => ({
    time: m.timeUnixNano,
    start: m.startTimeUnixNano ?? m.timeUnixNano,
    MetricName: m.name,
    MetricDescription: m.description ?? '',
    MetricType: m.type,
    MetricUnit: m.unit ?? '',
    ServiceName: resource['service.name'],
    ResourceAttributes: { ...resource, ...m.resource },
    Attributes: stringMap(m.attributes),
    Value: m.type === 'histogram' ? 0 : m.value,
    IsMonotonic: m.type === 'sum' && m.monotonic,
    count: m.type === 'histogram' ? String(m.count) : '0',
    Sum: m.type === 'histogram' ? m.sum : 0,
    buckets: m.type === 'histogram' ? m.bucketCounts.map(String) : [],
    ExplicitBounds: m.type === 'histogram' ? m.explicitBounds : [],
  }),
} satisfies { [S in Signal]: (item: never, resource: Resource) => Row };

/** Each table's columns, times as decimal nanoseconds (or milliseconds) and 64-bit ints as text. */
const SELECTS: Record<Signal, [table: string, columns: string]> = {
  predictions: [
    'predictions',
    `* EXCEPT (timestamp, inserted_at), toString(toUnixTimestamp64Milli(timestamp)) AS ms`,
  ],
  labels: [
    'labels',
    `* EXCEPT (timestamp, inserted_at), toString(toUnixTimestamp64Milli(timestamp)) AS ms`,
  ],
  logs: [
    'otel_logs',
    `toString(toUnixTimestamp64Nano(Timestamp)) AS time,
     toString(toUnixTimestamp64Nano(ObservedTimestamp)) AS observed, TraceId, SpanId, SeverityText,
     SeverityNumber, ServiceName, Body, ResourceAttributes, LogAttributes`,
  ],
  spans: [
    'otel_traces',
    `toString(toUnixTimestamp64Nano(Timestamp)) AS start, TraceId, SpanId, ParentSpanId, TraceState,
     SpanName, SpanKind, ServiceName, ResourceAttributes, SpanAttributes,
     toString(Duration) AS duration, StatusCode, StatusMessage,
     arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimes,
     Events.Name AS eventNames, Events.Attributes AS eventAttributes,
     Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
     Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes`,
  ],
  metrics: [
    'otel_metrics',
    `toString(toUnixTimestamp64Nano(TimeUnix)) AS time,
     toString(toUnixTimestamp64Nano(StartTimeUnix)) AS start, MetricName, MetricDescription,
     MetricType, MetricUnit, ServiceName, ResourceAttributes, Attributes, Value, IsMonotonic,
     toString(Count) AS count, Sum, arrayMap(c -> toString(c), BucketCounts) AS buckets,
     ExplicitBounds`,
  ],
};

/** Rows in a stable order, for comparing sets of rows. */
function sorted(rows: Row[]): Row[] {
  return rows
    .map((row) => [JSON.stringify(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

async function stored(storage: Storage, signal: Signal): Promise<Row[]> {
  const [table, columns] = SELECTS[signal];
  // FINAL where twins merge (predictions, labels); the OTel tables are plain MergeTree.
  const final = signal === 'predictions' || signal === 'labels' ? ' FINAL' : '';
  const query = `SELECT ${columns} FROM ${storage.table(table)}${final}`;
  return sorted(await (await storage.client.query({ query, format: 'JSONEachRow' })).json<Row>());
}

function sent(signal: Signal): Row[] {
  const map = expected[signal] as (item: unknown, resource: Resource) => Row;
  return sorted(
    bodies.flatMap((body) => (body[signal] as unknown[]).map((i) => map(i, body.resource))),
  );
}

describe('SDK (HTTP transport) → collector → chDB, field by field', () => {
  it('sent every signal, with attributes of every type, events, links and histograms', () => {
    const items = <S extends Signal>(signal: S) =>
      bodies.flatMap((body) => body[signal] as Array<TelemetryBatch[S][number]>);
    for (const signal of SIGNALS) expect(items(signal).length, signal).toBeGreaterThan(0);
    const metrics = items('metrics');
    expect(new Set(metrics.map((m) => m.type))).toEqual(new Set(['gauge', 'sum', 'histogram']));
    expect(items('spans').some((s) => s.links?.length && s.events?.length)).toBe(true);
  });

  it.each(SIGNALS)('stores every %s item in its columns as sent', async (signal) => {
    expect(await stored(temp.storage, signal)).toEqual(sent(signal));
  });

  it('stores the same rows when the same items come through the Kafka source', async () => {
    // A second database on the same chDB, fed by the Kafka source's batch handler with the
    // records the SDK's Kafka transport makes of the same batches.
    const database = 'dw_fidelity_kafka';
    await temp.storage.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    const kafkaStorage: Storage = {
      ...temp.storage,
      database,
      table: (name) => `\`${database}\`.\`${name}\``,
    };
    await migrate(kafkaStorage);
    const topics = Object.fromEntries(SIGNALS.map((s) => [s, `fidelity.${s}`])) as Record<
      Signal,
      string
    >;
    const signalOf = Object.fromEntries(SIGNALS.map((s) => [topics[s], s]));
    const context = batchContext(signalOf, new EventWriter(kafkaStorage));
    let offset = 0;
    for (const body of bodies) {
      const encoded = encodeBatch(body, topics, 1_000_000);
      expect(encoded.oversized).toBe(0);
      for (const [topic, messages] of encoded.topics) {
        await handleBatch(batchPayload(topic, messages, { firstOffset: offset }), context);
        offset += messages.length;
      }
    }
    for (const signal of SIGNALS) {
      expect(await stored(kafkaStorage, signal), signal).toEqual(
        await stored(temp.storage, signal),
      );
    }
  });
});
