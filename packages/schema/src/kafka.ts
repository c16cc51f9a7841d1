/**
 * The Kafka wire contract shared by producers (the SDK's Kafka transport) and consumers (the
 * collector's Kafka source): one topic per signal, the item JSON as the record value, and these
 * headers on every record.
 */
import type { Signal } from './ingest-batch.js';

/** Version of the item JSON on the topics (`dw-schema-version`); bumped only with a breaking change. */
export const KAFKA_SCHEMA_VERSION = '1';

/** Header names every record carries. */
export const KafkaHeaders = {
  schemaVersion: 'dw-schema-version',
  signal: 'dw-signal',
  contentType: 'content-type',
} as const;

/** Default topic of each signal, e.g. `driftwatch.predictions`. */
export const DEFAULT_KAFKA_TOPICS: Readonly<Record<Signal, string>> = Object.freeze({
  predictions: 'driftwatch.predictions',
  labels: 'driftwatch.labels',
  logs: 'driftwatch.logs',
  spans: 'driftwatch.spans',
  metrics: 'driftwatch.metrics',
});

/** Default dead-letter topic: records a consumer could not accept, with the reason in headers. */
export const DEFAULT_KAFKA_DLQ_TOPIC = 'driftwatch.dlq';

/** A legal Kafka topic name: 1-249 characters of [a-zA-Z0-9._-], not `.` nor `..`. */
export function isKafkaTopicName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    /^[a-zA-Z0-9._-]{1,249}$/.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}
