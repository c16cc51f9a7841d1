/**
 * A fetched Kafka batch as kafkajs hands it to `eachBatch`, without a broker: for tests of the
 * Kafka source's batch handling (kafka-batch.ts) against real storage.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import type { Signal } from '@driftwatch/schema';
import type { DeadLetterSink } from '../../src/sources/dead-letter.js';
import type { BatchContext } from '../../src/sources/kafka-batch.js';
import type { EventWriter } from '../../src/storage/event-writer.js';

/** A record's value, key and headers, as a producer sent it. */
export interface BatchRecord {
  readonly value: string;
  readonly key?: string | null;
  readonly headers: IHeaders;
}

/** One batch of `records` at offsets `firstOffset`, … of `partition`. */
export function batchPayload(
  topic: string,
  records: readonly BatchRecord[],
  { partition = 0, firstOffset = 0 } = {},
): EachBatchPayload {
  const messages: KafkaMessage[] = records.map((record, i) => ({
    key: record.key === undefined || record.key === null ? null : Buffer.from(record.key),
    value: Buffer.from(record.value),
    timestamp: '0',
    attributes: 0,
    offset: String(firstOffset + i),
    headers: record.headers,
  }));
  const last = String(firstOffset + messages.length - 1);
  return {
    batch: {
      topic,
      partition,
      highWatermark: String(firstOffset + messages.length),
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => String(firstOffset),
      lastOffset: () => last,
      offsetLag: () => '0',
      offsetLagLow: () => '0',
    },
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    pause: () => () => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => true,
    isStale: () => false,
  };
}

/** A batch context writing with `writer`, whose dead-letter sink must not be used. */
export function batchContext(
  topics: Readonly<Record<string, Signal>>,
  writer: EventWriter,
): BatchContext {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return {
    signalOf: new Map(Object.entries(topics)),
    writer,
    deadLetters: {
      topic: 'dlq',
      send: () => Promise.reject(new Error('unexpected dead letter')),
    } as unknown as DeadLetterSink,
    groupId: 'batch-test',
    retryMaxMs: 10,
    stopping: new AbortController().signal,
    logger: silent as unknown as FastifyBaseLogger,
  };
}
