/** The kafkajs client of the Kafka source: brokers, SASL and TLS from the options, logs to pino. */
import { connectKafkaSocket, kafkaSeedBrokers } from '@driftwatch/schema';
import type { FastifyBaseLogger } from 'fastify';
import kafkajs from 'kafkajs';
import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { KafkaSourceOptions } from './kafka-options.js';

// kafkajs is CommonJS: its named exports are read from the default one.
const { Kafka, logLevel: KafkaLogLevel, Partitioners } = kafkajs;

/** The v2 default partitioner, named so that kafkajs does not warn about its change of default. */
export const createPartitioner = Partitioners.DefaultPartitioner;

/**
 * kafkajs's own lines: its errors as warnings (it logs one per failed connection try it retries
 * itself; the source logs what it gives up on as errors), its INFO chatter at debug.
 */
function logCreator(logger: FastifyBaseLogger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.WARN)
        logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** kafkajs's log level for the pino level: its debug lines only when ours are wanted. */
function kafkaLogLevel(logger: FastifyBaseLogger) {
  if (logger.level === 'silent') return KafkaLogLevel.NOTHING;
  return logger.level === 'debug' || logger.level === 'trace'
    ? KafkaLogLevel.DEBUG
    : KafkaLogLevel.WARN;
}

export function kafkaConfig(
  options: Readonly<KafkaSourceOptions>,
  logger: FastifyBaseLogger,
): KafkaConfig {
  const { tls, sasl } = options;
  const seeds = kafkaSeedBrokers(options.brokers);
  return {
    clientId: options.clientId,
    brokers: seeds.brokers,
    // Sockets go to the address a seed broker's alias stands for (see kafkaSeedBrokers).
    socketFactory: (socket) =>
      connectKafkaSocket({ ...socket, host: seeds.addressOf(socket.host) }),
    ssl: typeof tls === 'boolean' ? tls : { ...tls },
    ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
    logLevel: kafkaLogLevel(logger),
    logCreator: logCreator(logger),
  };
}

export function kafkaClient(
  options: Readonly<KafkaSourceOptions>,
  logger: FastifyBaseLogger,
): InstanceType<typeof Kafka> {
  return new Kafka(kafkaConfig(options, logger));
}
