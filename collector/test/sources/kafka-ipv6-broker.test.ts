/**
 * A bracketed IPv6 seed broker (`[::1]:9092`), which the options accept, reaches the broker:
 * kafkajs alone reads it as host `[` and port 0 and never connects. The broker (Mokapi) listens
 * on 127.0.0.1, so a TCP relay on ::1 stands for an IPv6 listener; the broker's metadata then
 * names 127.0.0.1, which the source connects to as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { startTcpRelay, type TcpRelay } from '../../../test/helpers/net.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { prediction } from '../helpers/events.js';
import {
  brokerTopics,
  readiness,
  sdkHeaders,
  testProducer,
  uniqueTopics,
  waitFor,
} from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const { topics, dlq, run } = uniqueTopics('ipv6');
let mokapi: Mokapi;
let relay: TcpRelay;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let collector: CollectorApp;

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: brokerTopics([topics], { dlq }),
  });
  relay = await startTcpRelay('::1', mokapi.port);
  temp = await openTempStorage('dw_kafka_ipv6');
  collector = await buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: {
      brokers: `[::1]:${relay.port}`,
      topics,
      deadLetterTopic: dlq,
      groupId: `${run}-collector`,
    },
  });
}, 30_000);

afterAll(async () => {
  await collector?.app.close();
  await relay?.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source with an IPv6 seed broker', () => {
  it('joins its group through [::1] and stores what is produced', async () => {
    const joined = await waitFor(
      'the source joined its group',
      () => readiness(collector),
      (reply) => reply.statusCode === 200,
    );
    expect(joined.json().sources.kafka).toMatchObject({ state: 'joined' });

    const producer = await testProducer(mokapi.brokers);
    try {
      await producer.send([
        {
          topic: topics.predictions,
          value: JSON.stringify(prediction({ predictionId: 'v6-1', model: 'ipv6' })),
          headers: sdkHeaders('predictions'),
        },
      ]);
    } finally {
      await producer.close();
    }
    const stored = () => count(temp.storage, 'predictions', `model = 'ipv6'`);
    expect(await waitFor('the prediction stored', stored, (n) => n === 1)).toBe(1);
  });
});
