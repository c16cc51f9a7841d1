/**
 * A partition holding valid and invalid records, consumed as one batch: the valid ones are
 * stored, each invalid one lands on the dead-letter topic with its original key and value and
 * headers naming the reason, the field, what was expected and where it came from; the batch's
 * offsets are committed (a collector of the same group started again reads none of it twice).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import {
  brokerTopics,
  readTopic,
  sdkHeaders,
  testProducer,
  uniqueTopics,
  waitFor,
  type OutgoingRecord,
  type TestProducer,
} from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const { topics, dlq, run } = uniqueTopics('dlq');
const groupId = `${run}-collector`;
let mokapi: Mokapi;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let producer: TestProducer;

const label = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    predictionId: id,
    model: 'm',
    label: 1,
    timeUnixMs: 1_764_000_000_000,
    ...extra,
  });

/** In partition 0 of the labels topic, in this order. */
const records: OutgoingRecord[] = [
  { key: 'k-valid-1', value: label(`${run}-1`), headers: sdkHeaders('labels') },
  { key: 'k-json', value: '{"predictionId": "x", ', headers: sdkHeaders('labels') },
  {
    key: 'k-version',
    value: label(`${run}-v`),
    headers: { ...sdkHeaders('labels'), 'dw-schema-version': '2' },
  },
  { key: 'k-signal', value: label(`${run}-s`), headers: sdkHeaders('predictions') },
  {
    key: 'k-item',
    value: label(`${run}-i`, { timeUnixMs: 'yesterday' }),
    headers: sdkHeaders('labels'),
  },
  { key: 'k-valid-2', value: label(`${run}-2`), headers: sdkHeaders('labels') },
  { key: null, value: label(`${run}-m`), headers: { 'content-type': 'application/json' } },
].map((record) => ({ ...record, topic: topics.labels, partition: 0 }));

/** What each refused record's headers must say, by its key (offset = its index above). */
const expected: Record<string, { reason: string; field: string; message: RegExp }> = {
  'k-json': {
    reason: 'bad-json',
    field: '(value)',
    message: /^value is not JSON .*expected a JSON object$/,
  },
  'k-version': {
    reason: 'schema-version',
    field: 'header dw-schema-version',
    message: /^header dw-schema-version "2"; expected "1"$/,
  },
  'k-signal': {
    reason: 'signal-mismatch',
    field: 'header dw-signal',
    message: /^header dw-signal "predictions"; expected "labels"/,
  },
  'k-item': {
    reason: 'invalid-item',
    field: '/timeUnixMs',
    message: /^\/timeUnixMs: Expected .*; got "yesterday"/,
  },
  '': {
    reason: 'schema-version',
    field: 'header dw-schema-version',
    message: /^header dw-schema-version missing; expected "1"$/,
  },
};

function collector(): Promise<CollectorApp> {
  return buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: { brokers: mokapi.brokers, topics, deadLetterTopic: dlq, groupId },
  });
}

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: brokerTopics([topics], { dlq, raw: true }),
  });
  temp = await openTempStorage('dw_kafka_dlq');
  producer = await testProducer(mokapi.brokers);
});

afterAll(async () => {
  await producer?.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source: invalid records', () => {
  it('stores the valid records of a batch and dead-letters the rest, then commits', async () => {
    // Produced before the collector joins: the partition is fetched as one batch.
    await producer.send(records);
    const written = vi.spyOn(EventWriter.prototype, 'write');
    const first = await collector();
    const deadLetters = await readTopic(mokapi.brokers, dlq);
    try {
      await waitFor(
        'valid labels stored and refused records dead-lettered',
        async () => [await count(temp.storage, 'labels'), deadLetters.records.length],
        ([stored, dead]) => stored! >= 2 && dead! >= 5,
      );
      const ids = await temp.storage.client.query({
        query: `SELECT prediction_id FROM ${temp.storage.table('labels')} ORDER BY prediction_id`,
        format: 'JSONEachRow',
      });
      expect(await ids.json()).toEqual([
        { prediction_id: `${run}-1` },
        { prediction_id: `${run}-2` },
      ]);
      // Both valid records went in one write: one batch, its invalid records beside them.
      expect(written.mock.calls.map(([events]) => events.labels.length)).toEqual([2]);

      expect(deadLetters.records).toHaveLength(5);
      for (const letter of deadLetters.records) {
        const index = records.findIndex(
          (r) => (r.key ?? null) === letter.key && r.value === letter.value,
        );
        expect(index, `dead letter ${letter.key} is one of the produced records`).toBeGreaterThan(
          0,
        );
        const want = expected[letter.key ?? '']!;
        expect(letter.headers).toMatchObject({
          'dw-dlq-reason': want.reason,
          'dw-dlq-field': want.field,
          'dw-dlq-source-topic': topics.labels,
          'dw-dlq-source-partition': '0',
          'dw-dlq-source-offset': String(index),
          'dw-dlq-consumer-group': groupId,
        });
        expect(letter.headers['dw-dlq-message']).toMatch(want.message);
        // The original headers travel with it.
        expect(letter.headers['content-type']).toBe('application/json');
      }
    } finally {
      await first.app.close();
    }

    // Committed: the same group started again reads only what came after.
    const later = { key: 'k-valid-3', value: label(`${run}-3`), headers: sdkHeaders('labels') };
    await producer.send([{ ...later, topic: topics.labels, partition: 0 }]);
    const second = await collector();
    try {
      await waitFor(
        'the later label',
        () => count(temp.storage, 'labels'),
        (n) => n >= 3,
      );
      expect(written.mock.calls.map(([events]) => events.labels.length)).toEqual([2, 1]);
      expect(await count(temp.storage, 'labels')).toBe(3);
      expect(deadLetters.records).toHaveLength(5);
    } finally {
      written.mockRestore();
      await second.app.close();
      await deadLetters.close();
    }
  });
});
