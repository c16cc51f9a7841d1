/**
 * A broker without one of the source's topics (here the dead-letter one): the source does not
 * join, and /readiness names the missing topic, instead of consuming until the first refused
 * record finds no topic to go to and holds its partition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { brokerTopics, readiness, uniqueTopics, waitFor } from '../helpers/kafka-fixture.js';
import { openTempStorage } from '../helpers/temp-storage.js';

const { topics, dlq, run } = uniqueTopics('missing');
let mokapi: Mokapi;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let collector: CollectorApp;

beforeAll(async () => {
  // The signal topics only: no dead-letter topic.
  mokapi = await startMokapi({ topics: brokerTopics([topics]) });
  temp = await openTempStorage('dw_kafka_missing');
  collector = await buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: {
      brokers: mokapi.brokers,
      topics,
      deadLetterTopic: dlq,
      groupId: `${run}-collector`,
      retryMaxMs: 200,
    },
  });
}, 30_000);

afterAll(async () => {
  await collector?.app.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source with a topic missing', () => {
  it('does not join, and readiness names the missing topic', async () => {
    const answer = await waitFor(
      'the missing topic reported',
      () => readiness(collector),
      (reply) => reply.json().sources?.kafka?.lastError !== undefined,
    );
    expect(answer.statusCode).toBe(503);
    const { kafka } = answer.json().sources;
    expect(kafka).toMatchObject({ state: expect.stringMatching(/^(connecting|disconnected)$/) });
    expect(kafka.lastError).toBe(
      `topic(s) missing on the brokers, or not visible to this client (ACLs): ${dlq}; the collector creates none (docker-compose.yml's kafka-init shows how)`,
    );
    expect(collector.kafka?.status().partitions).toBe(0);
  });
});
