/**
 * One fetched batch (one topic-partition) of the Kafka source: every record is decoded and
 * checked, the valid items are written to ClickHouse, the refused records are produced to the
 * dead-letter topic, and only once both are durable is the batch's offset committed. A failed
 * write is tried again (backoff with jitter, heartbeating) until it lands, the consumer stops or
 * the partition is taken away; an uncommitted batch is fetched again by whoever owns the
 * partition next (at-least-once; storage drops the twins, see storage/event-writer.ts).
 */
import { createHash } from 'node:crypto';
import type { Signal } from '@driftwatch/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import type { EventWriter, ValidEvents } from '../storage/event-writer.js';
import { backoffMs, pause } from './backoff.js';
import { deadLetter, type DeadLetterSink } from './dead-letter.js';
import { decodeRecord, type RejectionReason } from './kafka-record.js';

export interface BatchContext {
  /** Which signal each subscribed topic carries. */
  readonly signalOf: ReadonlyMap<string, Signal>;
  readonly writer: EventWriter;
  readonly deadLetters: DeadLetterSink;
  readonly groupId: string;
  /** Longest wait between two tries of a failed write. */
  readonly retryMaxMs: number;
  /** Aborted when the collector closes: a failing batch stops retrying and stays uncommitted. */
  readonly stopping: AbortSignal;
  readonly logger: FastifyBaseLogger;
}

/** Longest stretch without a heartbeat while waiting to try again, in ms. */
const HEARTBEAT_EVERY_MS = 1000;

function noEvents(): ValidEvents {
  return { predictions: [], labels: [], logs: [], spans: [], metrics: [] };
}

/** Waits `ms`, heartbeating so that the group keeps the partition with this member meanwhile. */
async function waitHeartbeating(payload: EachBatchPayload, ms: number, stopping: AbortSignal) {
  const until = Date.now() + ms;
  while (!stopping.aborted && Date.now() < until) {
    await pause(Math.min(HEARTBEAT_EVERY_MS, until - Date.now()), stopping);
    // Throws when the group rebalances: kafkajs rejoins, and the batch comes again uncommitted.
    await payload.heartbeat();
  }
}

/**
 * Runs `step` until it succeeds (true), or until the consumer stops or loses the partition
 * (false: nothing may be committed, the records will be delivered again).
 */
async function untilDone(
  payload: EachBatchPayload,
  context: BatchContext,
  what: string,
  step: () => Promise<void>,
): Promise<boolean> {
  const { topic, partition } = payload.batch;
  const offsets = `${payload.batch.firstOffset() ?? '?'}-${payload.batch.lastOffset()}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await step();
      if (attempt > 0)
        context.logger.info({ topic, partition, offsets, attempt }, `${what} recovered`);
      return true;
    } catch (error) {
      const retryInMs = backoffMs(attempt, context.retryMaxMs);
      context.logger.error(
        { err: error, topic, partition, offsets, attempt: attempt + 1, retryInMs },
        `${what} failed; batch not committed, trying again`,
      );
      await waitHeartbeating(payload, retryInMs, context.stopping);
    }
    if (context.stopping.aborted || !payload.isRunning() || payload.isStale()) {
      context.logger.warn(
        { topic, partition, offsets },
        `${what} abandoned (consumer stopping or partition reassigned); batch left uncommitted`,
      );
      return false;
    }
  }
}

/**
 * SHA-256 of the records themselves (offset and value, each length-prefixed). Offsets alone do
 * not name records: a topic deleted and created again numbers its new records from 0, and two
 * clusters (regions) writing to one ClickHouse both have `driftwatch.logs` partition 0 at offset
 * 0, so a batch of new records at offsets already written within the deduplication window was
 * dropped by ClickHouse as a twin of the old ones.
 */
function recordsDigest(messages: readonly KafkaMessage[]): string {
  const hash = createHash('sha256');
  for (const { offset, value } of messages) {
    hash.update(`${offset}:${value === null ? -1 : value.length}:`);
    if (value !== null) hash.update(value);
  }
  return hash.digest('hex');
}

/** The `eachBatch` handler of the Kafka source's consumer. */
export async function handleBatch(payload: EachBatchPayload, context: BatchContext): Promise<void> {
  const { batch } = payload;
  const { topic, partition } = batch;
  const signal = context.signalOf.get(topic);
  if (signal === undefined) throw new Error(`batch of unsubscribed topic ${topic}`);
  const events = noEvents();
  const letters: Message[] = [];
  const reasons = new Map<RejectionReason, number>();
  for (const record of batch.messages) {
    const decoded = decodeRecord(signal, record.value, record.headers);
    if (decoded.ok) {
      (events[signal] as unknown[]).push(decoded.item);
      continue;
    }
    const { rejection } = decoded;
    reasons.set(rejection.reason, (reasons.get(rejection.reason) ?? 0) + 1);
    letters.push(deadLetter({ topic, partition, groupId: context.groupId }, record, rejection));
  }
  const first = batch.messages[0]?.offset ?? batch.firstOffset() ?? batch.lastOffset();
  const last = batch.lastOffset();
  if (events[signal].length > 0) {
    // Names exactly these records: written again (a retry, a redelivery of the same range), the
    // OTel tables drop the twin insert; predictions and labels replace by their keys. Other
    // records at the same offsets (recordsDigest) are not taken for them.
    const deduplicationToken = `kafka:${topic}:${partition}:${first}-${last}:${recordsDigest(batch.messages)}`;
    const stored = await untilDone(payload, context, 'store', () =>
      context.writer.write(events, {}, { deduplicationToken }),
    );
    if (!stored) return;
  }
  if (letters.length > 0) {
    let unsent = letters;
    const sent = await untilDone(payload, context, 'dead-letter produce', async () => {
      const result = await context.deadLetters.send(unsent);
      unsent = result.unsent;
      if (result.error) throw result.error;
    });
    if (!sent) return;
    context.logger.warn(
      { topic, partition, offsets: `${first}-${last}`, refused: Object.fromEntries(reasons) },
      `${letters.length} record(s) refused to dead-letter topic ${context.deadLetters.topic}`,
    );
  }
  payload.resolveOffset(last);
  const next = (BigInt(last) + 1n).toString();
  await payload.commitOffsetsIfNecessary({
    topics: [{ topic, partitions: [{ partition, offset: next }] }],
  });
  await payload.heartbeat();
}
