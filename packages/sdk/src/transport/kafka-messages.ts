/**
 * Turns one TelemetryBatch into Kafka messages: one topic per signal, a key that keeps related
 * records on one partition (a model's predictions in order, a trace's spans together), the item
 * as JSON carrying its resource, and headers naming the schema version and signal.
 */
import type { KafkaSignal } from './kafka-options.js';
import type { TelemetryBatch } from './transport.js';
import { WireJson } from './wire-json.js';

/** Version of the item JSON on the topics; bumped only with a breaking schema change. */
export const KAFKA_SCHEMA_VERSION = '1';

/** Header names every message carries. */
export const KafkaHeaders = {
  schemaVersion: 'dw-schema-version',
  signal: 'dw-signal',
  contentType: 'content-type',
} as const;

export interface KafkaMessage {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface EncodedBatch {
  /** Messages per topic, in batch order; topics without items are absent. */
  readonly topics: Map<string, KafkaMessage[]>;
  /** Items dropped because their JSON exceeded maxMessageBytes. */
  readonly oversized: number;
  /** Total UTF-8 bytes of keys, values and headers (for request splitting). */
  readonly bytes: number;
}

/** UTF-8 bytes of one message's key, value and headers: what counts against maxRequestBytes. */
export function messageBytes(message: KafkaMessage): number {
  return (
    Buffer.byteLength(message.value) +
    (message.key === null ? 0 : Buffer.byteLength(message.key)) +
    headerBytesOf(message.headers)
  );
}

const HEADER_BYTES = new WeakMap<Record<string, string>, number>();
function headerBytesOf(headers: Record<string, string>): number {
  let bytes = HEADER_BYTES.get(headers);
  if (bytes === undefined) {
    bytes = 0;
    for (const [name, value] of Object.entries(headers)) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
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
      // Exact UTF-8 sizes: a UTF-16 length undercounts non-ASCII text up to three times.
      const size = Buffer.byteLength(value);
      if (size > maxMessageBytes) {
        oversized += 1;
        continue;
      }
      const key = keyOf(signal, item);
      bytes += size + (key === null ? 0 : Buffer.byteLength(key)) + headerBytesOf(headers);
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
  if (encoded.bytes <= maxRequestBytes) {
    return [[...encoded.topics].map(([topic, messages]) => ({ topic, messages }))];
  }
  const requests: Array<Array<{ topic: string; messages: KafkaMessage[] }>> = [];
  let current: Array<{ topic: string; messages: KafkaMessage[] }> = [];
  let currentBytes = 0;
  for (const [topic, messages] of encoded.topics) {
    let chunk: KafkaMessage[] = [];
    for (const message of messages) {
      const size = messageBytes(message);
      if (currentBytes + size > maxRequestBytes && (currentBytes > 0 || chunk.length > 0)) {
        if (chunk.length > 0) current.push({ topic, messages: chunk });
        requests.push(current);
        current = [];
        chunk = [];
        currentBytes = 0;
      }
      chunk.push(message);
      currentBytes += size;
    }
    if (chunk.length > 0) current.push({ topic, messages: chunk });
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
