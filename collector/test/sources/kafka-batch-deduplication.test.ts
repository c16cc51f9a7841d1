/**
 * The Kafka source's insert token names the records, not only their offsets: a batch delivered
 * again is stored once, while other records at the same topic, partition and offsets (a topic
 * created again, a second cluster writing to the same ClickHouse) are stored too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleBatch, type BatchContext } from '../../src/sources/kafka-batch.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import { logRecord } from '../helpers/events.js';
import { batchContext, batchPayload } from '../helpers/kafka-batch-payload.js';
import { sdkHeaders } from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const TOPIC = 'driftwatch.logs';
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let context: BatchContext;

beforeAll(async () => {
  temp = await openTempStorage('dw_kafka_batch_dedup');
  await migrate(temp.storage);
  context = batchContext({ [TOPIC]: 'logs' }, new EventWriter(temp.storage));
});

afterAll(async () => {
  await temp?.dispose();
});

/** Log records of these bodies at offsets 0, 1, … of partition 0. */
const batchOf = (bodies: readonly string[]) =>
  batchPayload(
    TOPIC,
    bodies.map((body) => ({
      value: JSON.stringify({ ...logRecord, body }),
      headers: sdkHeaders('logs'),
    })),
  );

const stored = (where: string) => count(temp.storage, 'otel_logs', where);

describe('Kafka batch insert token', () => {
  it('stores a batch delivered again once', async () => {
    await handleBatch(batchOf(['first-a', 'first-b']), context);
    await handleBatch(batchOf(['first-a', 'first-b']), context);
    expect(await stored(`Body LIKE 'first-%'`)).toBe(2);
  });

  it('stores other records at offsets already written (a topic created again, another cluster)', async () => {
    await handleBatch(batchOf(['old-a', 'old-b']), context);
    await handleBatch(batchOf(['new-a', 'new-b']), context);
    expect(await stored(`Body LIKE 'old-%'`)).toBe(2);
    expect(await stored(`Body LIKE 'new-%'`)).toBe(2);
  });
});
