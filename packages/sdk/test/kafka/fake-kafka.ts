/**
 * A kafkajs client that records what the Kafka transport hands it (fakeKafka), and the errors
 * kafkajs raises, for the transport's tests without a broker.
 */
import kafkajs from 'kafkajs';
import type { Producer, ProducerBatch, ProducerConfig } from 'kafkajs';
import type { PredictionEvent } from '@driftwatch/schema';
import {
  resolveKafkaOptions,
  type KafkaTransportOptions,
} from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { silentLogger } from './silent-logger.js';

export const {
  CompressionTypes,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} = kafkajs;
// kafkajs's typings leave out the options (the cause) its constructor takes.
export const { KafkaJSNonRetriableError } = kafkajs as unknown as Record<
  'KafkaJSNonRetriableError',
  new (error: Error, options: { cause: Error }) => Error
>;

export const prediction = (n: number): PredictionEvent => ({
  predictionId: `p-${n}`,
  model: 'risk',
  modelVersion: '1',
  timeUnixMs: 1_700_000_000_000 + n,
  features: { income: 40_000 + n, note: 'x'.repeat(200) },
  prediction: n % 2,
  score: n / 100,
});
export const batchOf = (count: number): TelemetryBatch => ({
  resource: { 'service.name': 'svc' },
  predictions: Array.from({ length: count }, (_, n) => prediction(n)),
  labels: [],
  logs: [],
  spans: [],
  metrics: [],
});

const silent = silentLogger;

/** A kafkajs client whose producers record every sendBatch and answer with `behaviour`. */
export function fakeKafka(
  behaviour: (
    request: ProducerBatch,
    producerIndex: number,
    config: ProducerConfig | undefined,
  ) => Promise<void> = () => Promise.resolve(),
) {
  const sent: Array<{ producer: number; request: ProducerBatch }> = [];
  const disconnected: number[] = [];
  const configs: Array<ProducerConfig | undefined> = [];
  let producers = 0;
  const createClient = () => ({
    producer: (config?: ProducerConfig) => {
      const index = producers++;
      configs.push(config);
      return {
        events: { DISCONNECT: 'producer.disconnect' },
        on: () => () => undefined,
        connect: () => Promise.resolve(),
        disconnect: () => {
          disconnected.push(index);
          return Promise.resolve();
        },
        sendBatch: async (request: ProducerBatch) => {
          sent.push({ producer: index, request });
          await behaviour(request, index, config);
          return [];
        },
      } as unknown as Producer;
    },
  });
  return { sent, disconnected, configs, createClient, producers: () => producers };
}

/** kafkajs builds protocol errors from its error-code table entries. */
export function protocolError(entry: {
  message: string;
  type: string;
  code: number;
  retriable: boolean;
}): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(entry.message), entry));
}

/** A dead broker, as kafkajs reports it once its retries are spent. */
export const brokerDown = () =>
  new KafkaJSNumberOfRetriesExceeded(
    new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'),
    { retryCount: 2, retryTime: 100 },
  );

/** The prediction ids of one produce request, in order. */
export const idsOf = (request: ProducerBatch): string[] =>
  request.topicMessages?.flatMap((t) =>
    t.messages.map((m) => (JSON.parse(String(m.value)) as PredictionEvent).predictionId),
  ) ?? [];

export function transport(options: KafkaTransportOptions, kafka: ReturnType<typeof fakeKafka>) {
  return createKafkaTransport(resolveKafkaOptions({ brokers: ['k:9092'], ...options }, {}), {
    logger: silent,
    createClient: kafka.createClient,
  });
}
