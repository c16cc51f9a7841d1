/**
 * Turns one TelemetryBatch into Kafka messages: one topic per signal, a key that keeps related
 * records on one partition (a model's predictions in order, a trace's spans together), the item
 * as JSON carrying its resource, and headers naming the schema version and signal.
 */
import { KAFKA_SCHEMA_VERSION, KafkaHeaders } from '@driftwatch/schema';
import type { KafkaSignal } from './kafka-options.js';
import type { TelemetryBatch } from './transport.js';
import { WireJson } from './wire-json.js';

// The wire contract (schema version, header names) is shared with the collector's Kafka source.
export { KAFKA_SCHEMA_VERSION, KafkaHeaders } from '@driftwatch/schema';

export interface KafkaMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface EncodedBatch {
  /** Messages per topic, in batch order; topics without items are absent. */
  readonly topics: Map<string, KafkaMessage[]>;
  /** Items dropped because their record, alone in a record batch, exceeded maxMessageBytes. */
  readonly oversized: number;
  /** Bytes of its messages in record batches, as `messageBytes` counts them (for splitting). */
  readonly bytes: number;
}

/**
 * A record's own framing besides its key, value and header text, at most: its length, attributes,
 * timestamp and offset deltas, key and value lengths and header count (varints, for values up to
 * 2 MB and 100,000 records a batch). Counted so that thousands of small records do not make a
 * record batch over the broker's `message.max.bytes` that the request limit let through.
 */
export const RECORD_FRAMING_BYTES = 24;
/** A record batch's header (offset, length, epoch, magic, CRC, …, record count): per topic. */
export const RECORD_BATCH_HEADER_BYTES = 61;

/** Bytes one message takes in a record batch: key, value and headers with their framing. */
export function messageBytes(message: KafkaMessage): number {
  return (
    Buffer.byteLength(message.value) +
    (message.key === null ? 0 : Buffer.byteLength(message.key)) +
    headerBytesOf(message.headers) +
    RECORD_FRAMING_BYTES
  );
}

const HEADER_BYTES = new WeakMap<Record<string, string>, number>();
/** A message's header text, with the two length varints of each header (short names and values). */
function headerBytesOf(headers: Record<string, string>): number {
  let bytes = HEADER_BYTES.get(headers);
  if (bytes === undefined) {
    bytes = 0;
    for (const [name, value] of Object.entries(headers)) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
    }
    HEADER_BYTES.set(headers, bytes);
  }
  return bytes;
}

type Item = Record<string, unknown>;

/** Partition key per signal; null lets the partitioner spread the records. */
function keyOf(signal: KafkaSignal, item: Item | WireJson): string | null {
  if (item instanceof WireJson) return item.key;
  switch (signal) {
    case 'predictions':
      return item.model as string;
    case 'labels':
      return (item.model as string | undefined) ?? (item.predictionId as string);
    case 'spans':
      return item.traceId as string;
    case 'logs':
      return (item.traceId as string | undefined) ?? null;
    case 'metrics':
      return item.name as string;
  }
}

/**
 * JSON of an item with the batch resource added when the item has none of its own
 * (predictions take `serviceName` instead; labels carry no resource). Splices the resource
 * JSON into the item's JSON rather than copying the object.
 */
function encode(
  signal: KafkaSignal,
  item: Item | WireJson,
  resourceJson: string,
  service?: string,
): string {
  // WireJson: predictions the SDK rendered carry serviceName, spans and logs no resource.
  const wire = item instanceof WireJson;
  const json = wire ? item.json : JSON.stringify(item);
  if (signal === 'labels') return json;
  if (signal === 'predictions') {
    if (service === undefined || wire || item.serviceName !== undefined) return json;
    return splice(json, `"serviceName":${JSON.stringify(service)}`);
  }
  if ((!wire && item.resource !== undefined) || resourceJson === '{}') return json;
  return splice(json, `"resource":${resourceJson}`);
}

function splice(objectJson: string, member: string): string {
  return objectJson === '{}' ? `{${member}}` : `${objectJson.slice(0, -1)},${member}}`;
}

const SIGNAL_HEADERS = new Map<KafkaSignal, Record<string, string>>();
function headersOf(signal: KafkaSignal): Record<string, string> {
  let headers = SIGNAL_HEADERS.get(signal);
  if (!headers) {
    headers = Object.freeze({
      [KafkaHeaders.schemaVersion]: KAFKA_SCHEMA_VERSION,
      [KafkaHeaders.signal]: signal,
      [KafkaHeaders.contentType]: 'application/json',
    }) as Record<string, string>;
    SIGNAL_HEADERS.set(signal, headers);
  }
  return headers;
}

/** Encodes a batch for `producer.sendBatch`, e.g. `encodeBatch(batch, options.topics, 1e6)`. */
export function encodeBatch(
  batch: TelemetryBatch,
  topics: Readonly<Record<KafkaSignal, string>>,
  maxMessageBytes: number,
): EncodedBatch {
  const resourceJson = JSON.stringify(batch.resource ?? {});
  const service = batch.resource?.['service.name'];
  const out = new Map<string, KafkaMessage[]>();
  let oversized = 0;
  let bytes = 0;
  for (const signal of Object.keys(topics) as KafkaSignal[]) {
    const items = batch[signal] as ReadonlyArray<Item | WireJson> | undefined;
    if (!items || items.length === 0) continue;
    const headers = headersOf(signal);
    const messages: KafkaMessage[] = [];
    for (const item of items) {
      const value = encode(signal, item, resourceJson, service);
      const key = keyOf(signal, item);
      // Exact UTF-8 sizes: a UTF-16 length undercounts non-ASCII text up to three times.
      const size =
        Buffer.byteLength(value) +
        (key === null ? 0 : Buffer.byteLength(key)) +
        headerBytesOf(headers) +
        RECORD_FRAMING_BYTES;
      // The broker's message.max.bytes bounds the record batch, key, headers and framing
      // included: a value just under the limit would be refused (costing the request a split
      // and an idempotent producer its replacement) rather than left out here.
      if (size + RECORD_BATCH_HEADER_BYTES > maxMessageBytes) {
        oversized += 1;
        continue;
      }
      bytes += size;
      messages.push({ key, value, headers });
    }
    if (messages.length > 0) {
      const topic = topics[signal];
      const existing = out.get(topic);
      if (existing) existing.push(...messages);
      else out.set(topic, messages);
    }
  }
  return { topics: out, oversized, bytes };
}

/**
 * Splits encoded messages into produce requests of at most maxRequestBytes each (a single
 * message may be alone in a request), keeping each topic's order.
 */
export function splitRequests(
  encoded: EncodedBatch,
  maxRequestBytes: number,
): Array<Array<{ topic: string; messages: KafkaMessage[] }>> {
  if (encoded.bytes + RECORD_BATCH_HEADER_BYTES * encoded.topics.size <= maxRequestBytes) {
    return [[...encoded.topics].map(([topic, messages]) => ({ topic, messages }))];
  }
  const requests: Array<Array<{ topic: string; messages: KafkaMessage[] }>> = [];
  let current: Array<{ topic: string; messages: KafkaMessage[] }> = [];
  let currentBytes = 0;
  for (const [topic, messages] of encoded.topics) {
    let chunk: KafkaMessage[] = [];
    for (const message of messages) {
      // The first message of a topic in a request also brings its record batch's header.
      const size = messageBytes(message) + (chunk.length === 0 ? RECORD_BATCH_HEADER_BYTES : 0);
      if (currentBytes + size > maxRequestBytes && (currentBytes > 0 || chunk.length > 0)) {
        if (chunk.length > 0) current.push({ topic, messages: chunk });
        requests.push(current);
        current = [];
        chunk = [];
        currentBytes = 0;
        chunk.push(message);
        currentBytes = messageBytes(message) + RECORD_BATCH_HEADER_BYTES;
        continue;
      }
      chunk.push(message);
      currentBytes += size;
    }
    if (chunk.length > 0) current.push({ topic, messages: chunk });
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

type TopicRequest<M> = Array<{ topic: string; messages: M[] }>;

/** Bytes a produce request of these messages takes (record batch headers and records). */
export function requestBytes(
  request: ReadonlyArray<{ topic: string; messages: readonly KafkaMessage[] }>,
): number {
  let bytes = 0;
  for (const { messages } of request) {
    bytes += RECORD_BATCH_HEADER_BYTES;
    for (const message of messages) bytes += messageBytes(message);
  }
  return bytes;
}

/**
 * A produce request's messages as two requests of half as many each, in the same order, for a
 * request the broker refused as too large; undefined for a request of one message.
 */
export function halveRequest<M>(
  request: ReadonlyArray<{ topic: string; messages: readonly M[] }>,
): [TopicRequest<M>, TopicRequest<M>] | undefined {
  const total = request.reduce((sum, { messages }) => sum + messages.length, 0);
  if (total <= 1) return undefined;
  const halves: [TopicRequest<M>, TopicRequest<M>] = [[], []];
  let taken = 0;
  for (const { topic, messages } of request) {
    for (const message of messages) {
      const half = halves[taken < Math.ceil(total / 2) ? 0 : 1];
      const last = half[half.length - 1];
      if (last?.topic === topic) last.messages.push(message);
      else half.push({ topic, messages: [message] });
      taken += 1;
    }
  }
  return halves;
}
