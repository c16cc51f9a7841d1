/** Kafka messages: topic per signal, partition keys, resource splicing, headers, size limits, request splitting. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type {
  LabelEvent,
  LogRecord,
  MetricPoint,
  PredictionEvent,
  SpanRecord,
} from '@driftwatch/schema';
import {
  encodeBatch,
  KAFKA_SCHEMA_VERSION,
  messageBytes,
  RECORD_BATCH_HEADER_BYTES,
  splitRequests,
  type KafkaMessage,
} from '../../src/transport/kafka-messages.js';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { WireJson } from '../../src/transport/wire-json.js';

const { topics } = resolveKafkaOptions({ brokers: ['k:9092'] }, {});
const resource = { 'service.name': 'svc', 'service.version': '1.0.0' };
const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

const prediction = (
  model: string,
  n: number,
  extra: Partial<PredictionEvent> = {},
): PredictionEvent => ({
  predictionId: `p-${model}-${n}`,
  model,
  modelVersion: '1',
  timeUnixMs: 1_700_000_000_000 + n,
  features: { x: n, city: 'Zürich' },
  prediction: n % 2,
  ...extra,
});
const label: LabelEvent = { predictionId: 'p-risk-0', model: 'risk', label: 1, timeUnixMs: 1 };
const log: LogRecord = { timeUnixNano: '1', severityNumber: 9, body: 'hello', traceId, spanId };
const span: SpanRecord = {
  traceId,
  spanId,
  name: 'GET /',
  kind: 'SERVER',
  startTimeUnixNano: '1',
  endTimeUnixNano: '2',
};
const metric: MetricPoint = {
  name: 'http.server.request.duration',
  timeUnixNano: '1',
  type: 'gauge',
  value: 1,
};

function batch(parts: Partial<TelemetryBatch>): TelemetryBatch {
  return { resource, predictions: [], labels: [], logs: [], spans: [], metrics: [], ...parts };
}

const values = (messages: readonly KafkaMessage[] | undefined) =>
  (messages ?? []).map((m) => JSON.parse(m.value) as Record<string, unknown>);

describe('encodeBatch', () => {
  it('puts each signal on its topic with the signal headers', () => {
    const encoded = encodeBatch(
      batch({
        predictions: [prediction('risk', 0)],
        labels: [label],
        logs: [log],
        spans: [span],
        metrics: [metric],
      }),
      topics,
      1e6,
    );
    expect([...encoded.topics.keys()].sort()).toEqual(Object.values(topics).sort());
    for (const [signal, topic] of Object.entries(topics)) {
      for (const message of encoded.topics.get(topic) ?? []) {
        expect(message.headers).toEqual({
          'dw-schema-version': KAFKA_SCHEMA_VERSION,
          'dw-signal': signal,
          'content-type': 'application/json',
        });
      }
    }
    expect(encoded.oversized).toBe(0);
    const all = [...encoded.topics.values()].flat();
    expect(encoded.bytes).toBe(all.reduce((sum, m) => sum + messageBytes(m), 0));
  });

  it('keys: model for predictions and labels, trace id for spans and logs, name for metrics', () => {
    const encoded = encodeBatch(
      batch({
        predictions: [prediction('risk', 0), prediction('fraud', 1)],
        labels: [label, { predictionId: 'p-9', label: 'yes', timeUnixMs: 2 }],
        logs: [log, { timeUnixNano: '1', severityNumber: 13, body: 'outside a request' }],
        spans: [span],
        metrics: [metric],
      }),
      topics,
      1e6,
    );
    expect(encoded.topics.get(topics.predictions)?.map((m) => m.key)).toEqual(['risk', 'fraud']);
    // A label without a model is keyed by its prediction id (still one partition per prediction).
    expect(encoded.topics.get(topics.labels)?.map((m) => m.key)).toEqual(['risk', 'p-9']);
    expect(encoded.topics.get(topics.logs)?.map((m) => m.key)).toEqual([traceId, null]);
    expect(encoded.topics.get(topics.spans)?.map((m) => m.key)).toEqual([traceId]);
    expect(encoded.topics.get(topics.metrics)?.map((m) => m.key)).toEqual([
      'http.server.request.duration',
    ]);
  });

  it('keeps batch order within a topic', () => {
    const predictions = Array.from({ length: 20 }, (_, n) =>
      prediction(n % 3 ? 'risk' : 'fraud', n),
    );
    const encoded = encodeBatch(batch({ predictions }), topics, 1e6);
    expect(values(encoded.topics.get(topics.predictions)).map((v) => v.predictionId)).toEqual(
      predictions.map((p) => p.predictionId),
    );
  });

  it('adds the resource to logs, spans and metrics, the service name to predictions, nothing to labels', () => {
    const own = { 'service.name': 'other' };
    const encoded = encodeBatch(
      batch({
        predictions: [prediction('risk', 0), prediction('risk', 1, { serviceName: 'explicit' })],
        labels: [label],
        logs: [log, { ...log, resource: own }],
        spans: [span],
        metrics: [metric],
      }),
      topics,
      1e6,
    );
    expect(values(encoded.topics.get(topics.predictions)).map((v) => v.serviceName)).toEqual([
      'svc',
      'explicit',
    ]);
    expect(values(encoded.topics.get(topics.labels))).toEqual([label]);
    expect(values(encoded.topics.get(topics.logs))).toEqual([
      { ...log, resource },
      { ...log, resource: own },
    ]);
    expect(values(encoded.topics.get(topics.spans))).toEqual([{ ...span, resource }]);
    expect(values(encoded.topics.get(topics.metrics))).toEqual([{ ...metric, resource }]);
    // An empty resource adds nothing.
    const bare = encodeBatch({ ...batch({ logs: [log] }), resource: {} }, topics, 1e6);
    expect(values(bare.topics.get(topics.logs))).toEqual([log]);
  });

  it('sends WireJson items as the same messages as their records, with their keys', () => {
    const rendered = prediction('risk', 0, { serviceName: 'svc' });
    const wire = (item: object, key: string | null) => new WireJson(JSON.stringify(item), key);
    const plain = encodeBatch(
      batch({ predictions: [rendered], logs: [log], spans: [span] }),
      topics,
      1e6,
    );
    const fromWire = encodeBatch(
      batch({
        predictions: [wire(rendered, 'risk')] as unknown as PredictionEvent[],
        logs: [wire(log, traceId)] as unknown as LogRecord[],
        spans: [wire(span, traceId)] as unknown as SpanRecord[],
      }),
      topics,
      1e6,
    );
    expect(fromWire).toEqual(plain);
    expect(values(fromWire.topics.get(topics.spans))).toEqual([{ ...span, resource }]);
  });

  it('merges signals that share one topic, in signal order', () => {
    const shared = { ...topics, logs: 'all', spans: 'all' };
    const encoded = encodeBatch(batch({ logs: [log], spans: [span] }), shared, 1e6);
    expect(encoded.topics.get('all')?.map((m) => m.headers['dw-signal'])).toEqual([
      'logs',
      'spans',
    ]);
  });

  it('drops items whose UTF-8 JSON exceeds maxMessageBytes, counting them', () => {
    const small = prediction('risk', 0);
    // "€" is one UTF-16 unit but three UTF-8 bytes.
    const wide = prediction('risk', 1, { segment: '€'.repeat(256) });
    // Room for the key, headers and framing (see the next test).
    const limit = Buffer.byteLength(JSON.stringify({ ...small, serviceName: 'svc' })) + 300;
    const encoded = encodeBatch(batch({ predictions: [small, wide] }), topics, limit);
    expect(encoded.oversized).toBe(1);
    expect(values(encoded.topics.get(topics.predictions)).map((v) => v.predictionId)).toEqual([
      small.predictionId,
    ]);
    expect(JSON.stringify({ ...wide, serviceName: 'svc' }).length).toBeLessThan(limit * 3);
  });

  it("counts a record's key, headers and framing against maxMessageBytes, as the broker does", () => {
    // The broker's message.max.bytes bounds the record batch, not the value: a value just under
    // the limit whose record is over it would be refused by the broker, not left out here.
    const item = prediction('a-model-with-a-long-name', 0);
    const encoded = encodeBatch(batch({ predictions: [item] }), topics, 1e6);
    const message = encoded.topics.get(topics.predictions)![0]!;
    const recordBatch = messageBytes(message) + RECORD_BATCH_HEADER_BYTES;
    expect(Buffer.byteLength(message.value)).toBeLessThan(recordBatch - 100);
    const at = encodeBatch(batch({ predictions: [item] }), topics, recordBatch);
    expect(at.oversized).toBe(0);
    expect(at.bytes).toBe(messageBytes(message));
    // Over the limit by a byte: left out, though the value alone is well under it.
    const over = encodeBatch(batch({ predictions: [item] }), topics, recordBatch - 1);
    expect(over.oversized).toBe(1);
    expect(over.topics.size).toBe(0);
  });

  it('leaves out topics with nothing to send', () => {
    const encoded = encodeBatch(batch({}), topics, 1e6);
    expect(encoded.topics.size).toBe(0);
    expect(encoded.bytes).toBe(0);
  });
});

describe('splitRequests', () => {
  const bytesOf = (request: Array<{ messages: KafkaMessage[] }>) =>
    request.reduce((sum, t) => sum + t.messages.reduce((s, m) => s + messageBytes(m), 0), 0);
  const flatten = (requests: ReturnType<typeof splitRequests>, topic: string) =>
    requests.flatMap((request) =>
      request.filter((t) => t.topic === topic).flatMap((t) => t.messages),
    );

  it('sends a batch under the limit as one request', () => {
    const encoded = encodeBatch(
      batch({ predictions: [prediction('risk', 0)], logs: [log] }),
      topics,
      1e6,
    );
    const requests = splitRequests(encoded, 1e6);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.map((t) => t.topic)).toEqual([topics.predictions, topics.logs]);
  });

  it('splits by UTF-8 bytes (keys and headers included) and keeps every topic in order', () => {
    const predictions = Array.from({ length: 60 }, (_, n) =>
      prediction('risk', n, { segment: '€'.repeat(100) }),
    );
    const logs = Array.from({ length: 30 }, (_, n) => ({
      ...log,
      body: `line ${n} ${'ü'.repeat(50)}`,
    }));
    const encoded = encodeBatch(batch({ predictions, logs }), topics, 1e6);
    const maxRequestBytes = 4096;
    const requests = splitRequests(encoded, maxRequestBytes);
    expect(requests.length).toBeGreaterThan(encoded.bytes / maxRequestBytes);
    for (const request of requests) expect(bytesOf(request)).toBeLessThanOrEqual(maxRequestBytes);
    expect(flatten(requests, topics.predictions)).toEqual(encoded.topics.get(topics.predictions));
    expect(flatten(requests, topics.logs)).toEqual(encoded.topics.get(topics.logs));
    expect(requests.reduce((sum, r) => sum + bytesOf(r), 0)).toBe(encoded.bytes);
  });

  it("keeps each topic's record batch under the limit as kafkajs encodes it, framing included", () => {
    // kafkajs's own record encoder (v2 records) gives the bytes the broker checks against
    // message.max.bytes: many small records carry far more framing than their text.
    const encodeRecord = createRequire(import.meta.url)(
      'kafkajs/src/protocol/recordBatch/record/v0',
    ) as (record: {
      offsetDelta: number;
      timestampDelta: number;
      key: Buffer | null;
      value: Buffer;
      headers: Record<string, string>;
    }) => { size(): number };
    const logs = Array.from({ length: 3000 }, (_, n) => ({ ...log, body: `l${n}` }));
    const encoded = encodeBatch(batch({ logs }), topics, 1e6);
    const maxRequestBytes = 16_384;
    for (const request of splitRequests(encoded, maxRequestBytes)) {
      const recordBatches = request.map(
        ({ messages }) =>
          61 +
          messages.reduce(
            (sum, message, offsetDelta) =>
              sum +
              encodeRecord({
                offsetDelta,
                timestampDelta: 0,
                key: message.key === null ? null : Buffer.from(message.key),
                value: Buffer.from(message.value),
                headers: message.headers,
              }).size(),
            0,
          ),
      );
      expect(recordBatches.reduce((sum, bytes) => sum + bytes, 0)).toBeLessThanOrEqual(
        maxRequestBytes,
      );
    }
  });

  it('sends a message larger than maxRequestBytes alone', () => {
    const big = prediction('risk', 1, { segment: 'x'.repeat(200) });
    const encoded = encodeBatch(
      batch({ predictions: [prediction('risk', 0), big, prediction('risk', 2)] }),
      topics,
      1e6,
    );
    const [first, second, third] = encoded.topics.get(topics.predictions) ?? [];
    const limit = messageBytes(second as KafkaMessage) - 1;
    const requests = splitRequests(encoded, limit);
    expect(requests.map((r) => r.flatMap((t) => t.messages))).toEqual([[first], [second], [third]]);
  });
});
