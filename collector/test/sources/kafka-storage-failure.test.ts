/**
 * Storage failing under the Kafka source: nothing is committed while writes fail (a source
 * stopped mid-outage leaves the records to the next one), writes are tried again until they land,
 * and a write that landed although it reported a failure is not doubled when tried again (the
 * OTel tables drop an insert of the same deduplication token).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { CollectorError, CollectorErrorCodes } from '../../src/errors.js';
import { resolveKafkaSourceOptions } from '../../src/sources/kafka-options.js';
import { KafkaSource } from '../../src/sources/kafka-source.js';
import {
  EventWriter,
  type ValidEvents,
  type WriteOptions,
} from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { logRecord } from '../helpers/events.js';
import {
  brokerTopics,
  sdkHeaders,
  testProducer,
  uniqueTopics,
  waitFor,
  type TestProducer,
} from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const { topics, dlq, run } = uniqueTopics('outage');
/** The second test's own topics: a new group of the first test's would read its records too. */
const retried = uniqueTopics('retried');
let mokapi: Mokapi;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let producer: TestProducer;
const logger = pino({ level: 'silent' });

/** Fails its first `failures` writes; with `landFirst`, each failing write is stored first. */
class FailingWriter extends EventWriter {
  calls = 0;
  constructor(
    storage: Storage,
    private readonly failures: number,
    private readonly landFirst = false,
  ) {
    super(storage);
  }

  override async write(events: ValidEvents, resource = {}, options: WriteOptions = {}) {
    this.calls += 1;
    if (this.calls > this.failures) return super.write(events, resource, options);
    if (this.landFirst) await super.write(events, resource, options);
    throw new CollectorError(CollectorErrorCodes.STORAGE_FAILED, 'insert failed: simulated outage');
  }
}

function source(groupId: string, writer: EventWriter, on = topics): KafkaSource {
  const options = resolveKafkaSourceOptions(
    { brokers: mokapi.brokers, topics: on, deadLetterTopic: dlq, groupId, retryMaxMs: 400 },
    {},
    {},
  );
  const kafka = new KafkaSource(options!, writer, logger);
  kafka.start();
  return kafka;
}

async function produceLogs(tag: string, n: number, on = topics): Promise<void> {
  await producer.send(
    Array.from({ length: n }, (_, i) => ({
      topic: on.logs,
      partition: 0,
      value: JSON.stringify({ ...logRecord, body: `${tag}-${i}` }),
      headers: sdkHeaders('logs'),
    })),
  );
}

const logsLike = (tag: string) => count(temp.storage, 'otel_logs', `Body LIKE '${tag}-%'`);

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: brokerTopics([topics, retried.topics], { dlq }),
    partitions: 1,
  });
  temp = await openTempStorage('dw_kafka_outage');
  await migrate(temp.storage);
  producer = await testProducer(mokapi.brokers);
});

afterAll(async () => {
  await producer?.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source while storage fails', () => {
  it('commits nothing while writes fail: a source stopped mid-outage leaves the records to the next', async () => {
    const groupId = `${run}-stopped`;
    await produceLogs('stopped', 3);
    const failing = new FailingWriter(temp.storage, Number.POSITIVE_INFINITY);
    const first = source(groupId, failing);
    await waitFor(
      'failed tries',
      () => failing.calls,
      (calls) => calls >= 3,
    );
    await first.close();
    expect(await logsLike('stopped')).toBe(0);

    const healthy = new FailingWriter(temp.storage, 0);
    const second = source(groupId, healthy);
    try {
      await waitFor(
        'records stored by the next source',
        () => logsLike('stopped'),
        (n) => n >= 3,
      );
      expect(await logsLike('stopped')).toBe(3);
    } finally {
      await second.close();
    }
  });

  it('tries a failed write again until it lands, without doubling one that landed', async () => {
    const groupId = `${run}-retried`;
    await produceLogs('retried', 4, retried.topics);
    // Each of the first two writes is stored, then reported failed (a timeout after the insert).
    const writer = new FailingWriter(temp.storage, 2, true);
    const kafka = source(groupId, writer, retried.topics);
    try {
      await waitFor(
        'a write that succeeds after two that failed',
        async () => [writer.calls, await logsLike('retried')],
        ([calls, stored]) => calls! >= 3 && stored! >= 4,
      );
    } finally {
      // Lets the batch in progress finish (and commit).
      await kafka.close();
    }
    expect(await logsLike('retried')).toBe(4);
    // Committed after the write that succeeded: the same group reads none of it again.
    const again = new FailingWriter(temp.storage, 0);
    const next = source(groupId, again, retried.topics);
    try {
      await produceLogs('after', 1, retried.topics);
      await waitFor(
        'the later record',
        () => logsLike('after'),
        (n) => n >= 1,
      );
      expect(again.calls).toBe(1);
      expect(await logsLike('retried')).toBe(4);
    } finally {
      await next.close();
    }
  });
});
