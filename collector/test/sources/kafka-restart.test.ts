/**
 * The collector stopped and started again with the same consumer group: what it committed is
 * not read again (every record written exactly once, table counts exact), and what was produced
 * while it was down is stored once it is back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Signal } from '@driftwatch/schema';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { logRecord, prediction } from '../helpers/events.js';
import {
  brokerTopics,
  sdkHeaders,
  testProducer,
  uniqueTopics,
  waitFor,
  type OutgoingRecord,
  type TestProducer,
} from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const PARTITIONS = 3;
const { topics, dlq, run } = uniqueTopics('restart');
let mokapi: Mokapi;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let producer: TestProducer;

/** Two predictions and two logs for every partition, tagged with `phase`. */
function recordsOf(phase: string): OutgoingRecord[] {
  const out: OutgoingRecord[] = [];
  for (let i = 0; i < 2 * PARTITIONS; i += 1) {
    const partition = i % PARTITIONS;
    const p = prediction({ predictionId: `${phase}-${i}`, model: 'restart' });
    const log = { ...logRecord, body: `${phase}-${i}`, resource: { 'service.name': 'svc' } };
    out.push(
      {
        topic: topics.predictions,
        partition,
        value: JSON.stringify(p),
        headers: sdkHeaders('predictions'),
      },
      { topic: topics.logs, partition, value: JSON.stringify(log), headers: sdkHeaders('logs') },
    );
  }
  return out;
}

function collector(): Promise<CollectorApp> {
  return buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: { brokers: mokapi.brokers, topics, deadLetterTopic: dlq, groupId: `${run}-collector` },
  });
}

/** Items handed to storage, per signal, since the spy was set. */
function writtenItems(spy: { mock: { calls: Array<Parameters<EventWriter['write']>> } }) {
  const items: Partial<Record<Signal, string[]>> = {};
  for (const [events] of spy.mock.calls) {
    (items.predictions ??= []).push(...events.predictions.map((p) => p.predictionId));
    (items.logs ??= []).push(...events.logs.map((l) => l.body));
  }
  return items;
}

const stored = async () => [
  await count(temp.storage, 'predictions', `model = 'restart'`),
  await count(temp.storage, 'otel_logs'),
];

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: brokerTopics([topics], { dlq }),
    partitions: PARTITIONS,
  });
  temp = await openTempStorage('dw_kafka_restart');
  producer = await testProducer(mokapi.brokers);
});

afterAll(async () => {
  await producer?.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source across a restart', () => {
  it('reads nothing twice and catches up on what was produced while it was down', async () => {
    const written = vi.spyOn(EventWriter.prototype, 'write');
    const perPhase = 2 * PARTITIONS;
    const first = await collector();
    await producer.send(recordsOf('before'));
    await waitFor('records before the stop', stored, ([p, l]) => p === perPhase && l === perPhase);
    await first.app.close();
    expect(first.kafka?.status().state).toBe('closed');

    // Produced to every partition while no collector reads: each partition's next fetch starts
    // at its committed offset, so once these are stored, anything read twice has been read.
    await producer.send(recordsOf('down'));
    const second = await collector();
    try {
      await waitFor(
        'records of both phases',
        stored,
        ([p, l]) => p! >= 2 * perPhase && l! >= 2 * perPhase,
      );
      const names = (phase: string) => Array.from({ length: perPhase }, (_, i) => `${phase}-${i}`);
      const items = writtenItems(written);
      expect(items.predictions?.slice().sort()).toEqual(
        [...names('before'), ...names('down')].sort(),
      );
      expect(items.logs?.slice().sort()).toEqual([...names('before'), ...names('down')].sort());
      expect(await stored()).toEqual([2 * perPhase, 2 * perPhase]);
    } finally {
      written.mockRestore();
      await second.app.close();
    }
  });
});
