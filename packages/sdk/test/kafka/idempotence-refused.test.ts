/**
 * A broker that refuses the idempotent producer (no IdempotentWrite permission, no InitProducerId
 * API) cannot be run here: Mokapi allows it. kafkajs 2.2.4 asks for the producer id in
 * `producer.connect()`, so the refusal shows first at the transport's own start-up connect; a fake
 * kafkajs client plays it there. The transport must fall back then, not at the first batch: ready
 * without waiting for one, and that batch delivered at its first try.
 */
import { expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import type { Producer, ProducerConfig } from 'kafkajs';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { waitFor } from '../support/net.js';
import { silentLogger } from './silent-logger.js';

const { KafkaJSProtocolError } = kafkajs;

/** What kafkajs's InitProducerId rejects with (its retrier bails with the broker's error). */
const refusal = (): Error =>
  new KafkaJSProtocolError(
    Object.assign(new Error('Cluster authorization failed'), {
      type: 'CLUSTER_AUTHORIZATION_FAILED',
      code: 31,
      retriable: false,
    }),
  );

const batch: TelemetryBatch = {
  resource: {},
  predictions: [],
  labels: [],
  logs: [{ timeUnixNano: '1', severityNumber: 9, severityText: 'INFO', body: 'x' }],
  spans: [],
  metrics: [],
};

function refusingClient() {
  const configs: Array<ProducerConfig | undefined> = [];
  const createClient = () => ({
    producer: (config?: ProducerConfig) => {
      configs.push(config);
      return {
        events: { DISCONNECT: 'producer.disconnect' },
        on: () => () => undefined,
        connect: () => (config?.idempotent ? Promise.reject(refusal()) : Promise.resolve()),
        disconnect: () => Promise.resolve(),
        sendBatch: () => Promise.resolve([]),
      } as unknown as Producer;
    },
  });
  return { configs, createClient };
}

it('falls back at the connect the broker refuses: ready while idle, first batch delivered', async () => {
  const { configs, createClient } = refusingClient();
  const warnings: string[] = [];
  const transport = createKafkaTransport(resolveKafkaOptions({ brokers: ['k:9092'] }, {}), {
    logger: { ...silentLogger, warn: (message: string) => void warnings.push(message) },
    createClient,
  });
  try {
    // Nothing is sent: readiness alone (asked as a probe would) must come.
    await waitFor('readiness', () => (transport.isReady() ? true : undefined), 3000);
    expect(await transport.send(batch)).toEqual({ ok: true });
    expect(configs.map((config) => config?.idempotent)).toEqual([true, false]);
    expect(
      warnings.filter((line) => line.includes('refuses the idempotent producer')),
    ).toHaveLength(1);
  } finally {
    await transport.shutdown(100);
  }
});

it('retries, not drops, a batch that waited on the refused connect', async () => {
  const { configs, createClient } = refusingClient();
  const transport = createKafkaTransport(resolveKafkaOptions({ brokers: ['k:9092'] }, {}), {
    logger: silentLogger,
    createClient,
  });
  try {
    // Sent at once: it waits on the start-up connect, which the broker refuses.
    expect(await transport.send(batch)).toMatchObject({ ok: false, retryable: true });
    expect(await transport.send(batch)).toEqual({ ok: true });
    expect(configs.map((config) => config?.idempotent)).toEqual([true, false]);
  } finally {
    await transport.shutdown(100);
  }
});
