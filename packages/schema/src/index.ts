export { SchemaError, SchemaErrorCodes } from './errors.js';
export type { SchemaErrorCode, ValidationIssue } from './errors.js';
export { MAX_TIME_UNIX_MS } from './common.js';
export { FeatureValue, PredictionEvent, PredictionValue } from './prediction.js';
export { LabelEvent } from './label.js';
export { LogRecord } from './log-record.js';
export { SpanKind, SpanLink, SpanRecord, TraceState } from './span.js';
export { MetricPoint } from './metric-point.js';
export { IngestBatch, MAX_BATCH_ITEMS, SIGNALS } from './ingest-batch.js';
export type { IngestResult, Signal, SignalItem } from './ingest-batch.js';
export { assertItem, signalSchemas, validateBatchEnvelope, validateItem } from './validate.js';
export type { ValidationResult } from './validate.js';
export {
  DEFAULT_KAFKA_DLQ_TOPIC,
  DEFAULT_KAFKA_TOPICS,
  isKafkaTopicName,
  KAFKA_SCHEMA_VERSION,
  KafkaHeaders,
} from './kafka.js';
export {
  connectKafkaSocket,
  isKafkaBroker,
  isKafkaCredential,
  KAFKA_SASL_MECHANISMS,
  kafkaSaslMechanism,
  kafkaSeedBrokers,
  PEM_CERTIFICATE,
} from './kafka-connection.js';
export type {
  KafkaSaslMechanism,
  KafkaSeedBrokers,
  KafkaSocketOptions,
} from './kafka-connection.js';
