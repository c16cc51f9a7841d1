/**
 * /readiness with a Kafka source that cannot reach its brokers: not ready, naming the source's
 * state and error, while HTTP ingest keeps working; close() returns without waiting for a broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/mokapi.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { logRecord } from '../helpers/events.js';
import { readiness, waitFor } from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

let temp: Awaited<ReturnType<typeof openTempStorage>>;
let collector: CollectorApp;

beforeAll(async () => {
  temp = await openTempStorage('dw_kafka_ready');
  // Nothing listens there: the source keeps trying to connect.
  const brokers = [`127.0.0.1:${await freePort()}`];
  collector = await buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: { brokers, groupId: 'dw-ready', retryMaxMs: 200 },
  });
});

afterAll(async () => {
  await temp?.dispose();
});

describe('Kafka source readiness', () => {
  it('is not ready while the source cannot join, and says why', async () => {
    const answer = await waitFor(
      'a connection error reported',
      () => readiness(collector),
      (reply) => reply.json().sources?.kafka?.lastError !== undefined,
    );
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({
      status: 'not ready',
      storage: 'embedded',
      reason: expect.stringMatching(/^kafka source (connecting|disconnected): /),
      sources: { kafka: { groupId: 'dw-ready', partitions: 0 } },
    });
  });

  it('keeps HTTP ingest working beside it', async () => {
    const reply = await collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ logs: [{ ...logRecord, body: 'over http' }] }),
    });
    expect(reply.statusCode).toBe(202);
    expect(await count(temp.storage, 'otel_logs', `Body = 'over http'`)).toBe(1);
  });

  it('closes without waiting for a broker', async () => {
    await collector.app.close();
    expect(collector.kafka?.status().state).toBe('closed');
  });
});
