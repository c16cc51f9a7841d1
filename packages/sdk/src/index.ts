export { init } from './init.js';
export type { Monitor, SpanResult } from './monitor.js';
export { isMonitor } from './monitor.js';
export { resolveOptions, DEFAULT_REDACT_PATHS } from './options.js';
export type {
  DriftwatchOptions,
  DropPolicy,
  Env,
  HttpTransportOptions,
  KafkaTransportInput,
  MemoryTransportOptions,
  ResolvedOptions,
  TransportOption,
} from './options.js';
export { SdkError, SdkErrorCodes } from './errors.js';
export type { SdkErrorCode } from './errors.js';
export type {
  IdValue,
  LabelInput,
  LabelValue,
  PredictionInput,
} from './predictions/prediction-recorder.js';
export type { ActiveContext, RequestStore } from './context/request-context.js';
export { isValidRequestId, requestIdFrom, MAX_REQUEST_ID_LENGTH } from './context/request-id.js';
export { HTTP_DURATION_BUCKETS } from './http/request-instrumentation.js';
export { bindUpgradeSocket } from './http/upgrade-context.js';
export { emitInContext } from './http/event-context.js';
export { releaseSocketTimeout, socketTimeoutInContext } from './http/socket-timeout-context.js';
export { watchQueuedResponse } from './http/queued-response.js';
export { serverFailureOf } from './http/server-failure.js';
export {
  idleTimeoutEnd,
  ServerTimeoutError,
  watchIdleTimeout,
  type TimedOutEnd,
} from './http/server-timeout.js';
export type {
  HttpInstrumentation,
  IncomingRequestInfo,
  RequestEnd,
  RequestHandle,
} from './http/request-instrumentation.js';
export type { ReadinessCheck, ReadinessReport } from './readiness.js';
export type { PipelineStats, DropReason } from './pipeline/drop-reasons.js';
export { DROP_REASONS } from './pipeline/drop-reasons.js';
export type { RejectedItem, SendResult, TelemetryBatch, Transport } from './transport/transport.js';
// Checked as init()'s transport option is; the unchecked one stays internal.
export { checkedHttpTransport as createHttpTransport } from './transport/create-transport.js';
export type { HttpTransportConfig } from './transport/http-transport.js';
export { createMemoryTransport } from './transport/memory-transport.js';
export type { MemoryTransport } from './transport/memory-transport.js';
export { resolveKafkaOptions } from './transport/kafka-options.js';
export type {
  KafkaCompression,
  KafkaSaslMechanism,
  KafkaSaslOptions,
  KafkaTlsOptions,
  KafkaTransportOptions,
  ResolvedKafkaOptions,
  KafkaSignal,
} from './transport/kafka-options.js';
export type { Logger } from 'pino';
// The types `monitor.span` and `monitor.tracer` hand out, without a direct @opentelemetry/api import.
export type { Attributes, Span, Tracer } from '@opentelemetry/api';
