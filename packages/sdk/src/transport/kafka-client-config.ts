/**
 * The kafkajs client configuration of the transport's producers: timeouts, TLS and SASL from the
 * resolved options, short retries (the pipeline owns backoff), and kafkajs's logs routed to the
 * diagnostic logger.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { KafkaSeedBrokers } from '@driftwatch/schema';
import kafkajs from 'kafkajs';
import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { ResolvedKafkaOptions } from './kafka-options.js';

const { logLevel } = kafkajs;

/**
 * Routes kafkajs logs to the diagnostic logger at debug: kafkajs logs an error per connection
 * attempt (several a second while a broker is down). What a user must see, the pipeline reports
 * from each failed send's description, at most once per outage or once a minute.
 */
function logCreator(logger: DiagLogger) {
  return () =>
    ({ namespace, log }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log as Record<string, unknown>;
      logger.debug(`kafkajs ${namespace}: ${String(message)}`, extra);
    };
}

export function kafkaConfig(
  options: ResolvedKafkaOptions,
  seeds: KafkaSeedBrokers,
  logger: DiagLogger,
): KafkaConfig {
  const backoffMs = Math.max(50, Math.min(300, options.sendTimeoutMs / 20));
  return {
    clientId: options.clientId,
    brokers: seeds.brokers,
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    enforceRequestTimeout: true,
    ...(options.tls !== false ? { ssl: options.tls === true ? true : { ...options.tls } } : {}),
    ...(options.sasl ? { sasl: { ...options.sasl } as SASLOptions } : {}),
    retry: {
      retries: options.retries,
      initialRetryTime: backoffMs,
      maxRetryTime: Math.max(backoffMs, Math.floor(options.sendTimeoutMs / 4)),
    },
    logLevel: logLevel.WARN,
    logCreator: logCreator(logger),
  };
}
