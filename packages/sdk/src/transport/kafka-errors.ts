/**
 * What a kafkajs failure means for the SDK: whether sending the batch again may succeed, and a
 * diagnostic that names the brokers and the likely misconfiguration (kafkajs says "Broker not
 * connected" or "does not support the requested API version" where the cause is a hung broker,
 * a listener without SASL or one without TLS).
 */
import kafkajs from 'kafkajs';
import { SdkError, SdkErrorCodes } from '../errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

// kafkajs is CommonJS and spreads its error classes into module.exports (see kafka-transport.ts).
const {
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} = kafkajs;

/** The transport's own send deadline (`sendTimeoutMs`) or the pipeline's abort. */
export class KafkaSendTimeoutError extends Error {
  override readonly name = 'KafkaSendTimeoutError';
}

/** Producer-state errors that a fresh producer (new producer id, new connections) clears. */
const RESET_TYPES = new Set([
  'UNKNOWN_PRODUCER_ID',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
]);

/** Programming errors: kafkajs's own retrier never retries these either. */
const UNRECOVERABLE = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/** true when sending the same batch later may succeed (broker down, leader moved, timeout). */
export function isRetryableKafkaError(error: unknown): boolean {
  if (error instanceof KafkaSendTimeoutError) return true;
  if (error instanceof KafkaJSSASLAuthenticationError) return false;
  if (error instanceof KafkaJSNumberOfRetriesExceeded)
    return isRetryableKafkaError(error.cause ?? error);
  if (error instanceof KafkaJSProtocolError) return error.retriable || RESET_TYPES.has(error.type);
  if (error instanceof KafkaJSNonRetriableError) {
    return (
      error.cause instanceof Error && error.cause !== error && isRetryableKafkaError(error.cause)
    );
  }
  if (error instanceof KafkaJSError) return error.retriable;
  // kafkajs throws plain Errors from its internals, e.g. "Broker not connected" when a broker
  // accepted the connection but did not answer ApiVersions: a state that passes, like a timeout.
  return error instanceof Error && !UNRECOVERABLE.has(error.name);
}

/**
 * Refusals about the topics themselves: the broker answered, so a fresh connection says nothing
 * of whether the next batch will go.
 */
const TOPIC_REFUSALS = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'TOPIC_AUTHORIZATION_FAILED']);

/**
 * true when the broker refused a request for one of its topics: the topic does not exist (after
 * kafkajs's own retries, so not only just created) or may not be written.
 */
export function isTopicRefusal(error: unknown): boolean {
  return hasProtocolError(error, TOPIC_REFUSALS);
}

/** true when `error` or one it wraps is a broker's answer of one of `types`. */
function hasProtocolError(error: unknown, types: ReadonlySet<string>): boolean {
  if (!(error instanceof Error)) return false;
  const found = findInChain(error, (e) => e instanceof KafkaJSProtocolError && types.has(e.type));
  return found !== undefined;
}

/**
 * true when the broker answered the send and refused it for a state of its own (a topic that does
 * not exist or may not be written, no leader, too few in-sync replicas, a request timed out on
 * its side), not for the records (too large, invalid) nor the producer's state: the transport is
 * then not ready until a batch is delivered, however well it connects.
 */
export function isBrokerRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const refusal = findInChain(
    error,
    (e) =>
      e instanceof KafkaJSProtocolError &&
      !RESET_TYPES.has(e.type) &&
      (e.retriable || TOPIC_REFUSALS.has(e.type)),
  );
  return refusal !== undefined;
}

/** The innermost error kafkajs wrapped (retries exceeded → connection error → socket error). */
function rootOf(error: Error): Error {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause: unknown = (current as { cause?: unknown }).cause;
    if (!(cause instanceof Error) || cause === current) break;
    current = cause;
  }
  return current;
}

/** Finds an error in the cause chain that `test` accepts. */
function findInChain(error: Error, test: (candidate: Error) => boolean): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 6; depth += 1) {
    if (test(current)) return current;
    const cause: unknown = (current as { cause?: unknown }).cause;
    if (cause === current) break;
    current = cause;
  }
  return undefined;
}

/** How a broker refuses a record batch over its `message.max.bytes` (or a topic's limit). */
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * true when the broker refused a produce request's records as over its size limit, which may be
 * below transport.maxMessageBytes and transport.maxRequestBytes (a topic's `max.message.bytes`).
 */
export function isTooLargeForBroker(error: unknown): boolean {
  return hasProtocolError(error, TOO_LARGE_TYPES);
}

const SASL_APIS = new Set(['SaslHandshake', 'SaslAuthenticate']);

/** What went wrong, in the terms of the Kafka options a user can change. */
function cause(error: Error, options: ResolvedKafkaOptions, topics: readonly string[]): string {
  const text = rootOf(error).message;
  if (error instanceof KafkaSendTimeoutError) return text;
  // The transport's own account of a broker that went away (kafka-transport.ts lostConnections):
  // an ECONNRESET in it is not a TLS handshake failing.
  if (/every connection to the broker closed/.test(text)) return text;
  // kafkajs names no topic: the user needs to know which names (and which option) to check.
  const topicError = findInChain(
    error,
    (e) => e instanceof KafkaJSProtocolError && TOPIC_REFUSALS.has(e.type),
  );
  if (topicError) {
    const names = topicsNamed(topics, options);
    return (topicError as InstanceType<typeof KafkaJSProtocolError>).type ===
      'UNKNOWN_TOPIC_OR_PARTITION'
      ? `a topic of this batch does not exist on the broker (${topicError.message}); the producer does not create topics: create ${names} or correct transport.topics`
      : `not authorized to write to ${names} (${topicError.message}); check the ACLs of the transport.sasl user or transport.topics`;
  }
  const sasl = findInChain(error, (e) => e instanceof KafkaJSSASLAuthenticationError);
  if (sasl && options.sasl)
    return `SASL authentication failed for user "${options.sasl.username}" (${sasl.message}); check transport.sasl`;
  const saslRefused = findInChain(
    error,
    (e) =>
      SASL_APIS.has(String((e as { apiName?: unknown }).apiName)) ||
      (e as { type?: unknown }).type === 'ILLEGAL_SASL_STATE',
  );
  if (options.sasl && saslRefused)
    return `the broker does not take SASL on this listener (${text}); transport.sasl is set: check the port and the listener's security protocol`;
  if (/certificate|CERT_|self[- ]signed/i.test(text))
    return `the broker's TLS certificate was not accepted (${text}); check transport.tls.ca and the broker host name`;
  const handshake =
    /Connection timeout|secure TLS connection|ECONNRESET|wrong version number|Closed connection|closed by the server/i;
  if (options.tls !== false && handshake.test(text))
    return `the TLS handshake did not complete (${text}); transport.tls is on: check that this listener speaks TLS and that the broker is reachable`;
  if (/Broker not connected|ApiVersions.*timed out/i.test(text)) {
    const hint = options.tls === false ? '; if the listener expects TLS, set transport.tls' : '';
    return `the broker accepted the connection but did not answer (${text})${hint}`;
  }
  if (/Closed connection|closed by the server/i.test(text))
    return `the broker closed the connection (${text}); if the listener expects TLS or SASL, set transport.tls or transport.sasl`;
  return text;
}

/** `topic "a" (transport.topics.logs), topic "b" (…)`: the topics and the options that set them. */
function topicsNamed(topics: readonly string[], options: ResolvedKafkaOptions): string {
  if (topics.length === 0) return 'the topics in transport.topics';
  return topics
    .map((topic) => {
      const signals = Object.entries(options.topics)
        .filter(([, name]) => name === topic)
        .map(([signal]) => `transport.topics.${signal}`);
      return `topic "${topic}"${signals.length > 0 ? ` (${signals.join(', ')})` : ''}`;
    })
    .join(', ');
}

/**
 * The error a failed send reports: `kafka <brokers>: <cause>`, with kafkajs's error as `cause`.
 * `topics`: those the failed send wrote to, named when the broker refuses a topic.
 *
 * @example describeKafkaError(new Error('Broker not connected'), options).message
 * // 'kafka 10.0.0.5:9092: the broker accepted the connection but did not answer (…)'
 */
export function describeKafkaError(
  error: Error,
  options: ResolvedKafkaOptions,
  topics: readonly string[] = [],
): SdkError {
  return new SdkError(
    SdkErrorCodes.KAFKA_SEND_FAILED,
    `kafka ${options.brokers.join(',')}: ${cause(error, options, topics)}`,
    { brokers: options.brokers },
    { cause: error },
  );
}

/**
 * How a broker refuses the idempotent producer's InitProducerId: no IdempotentWrite permission
 * (ACLs), or a broker without the API.
 */
const IDEMPOTENCE_REFUSED = new Set(['CLUSTER_AUTHORIZATION_FAILED', 'UNSUPPORTED_VERSION']);

/**
 * Why the broker refused the idempotent producer, from `error` or the error it wraps (kafkajs
 * wraps retried ones); undefined for any other error.
 */
export function idempotenceRefusal(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof KafkaJSProtocolError)
      return IDEMPOTENCE_REFUSED.has(current.type) ? current.type : undefined;
    // A broker without the InitProducerId API (kafkajs checks its ApiVersions first).
    if ((current as { apiName?: unknown }).apiName === 'InitProducerId')
      return 'InitProducerId not supported';
    const cause: unknown = (current as { cause?: unknown }).cause;
    if (cause === current) return undefined;
    current = cause;
  }
  return undefined;
}
