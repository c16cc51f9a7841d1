/**
 * Kafka source tests: unique topic names per run, a producer that sends one record per request
 * (Mokapi 0.52 misreads some multi-record batches), a reader that keeps raw records (dead letters
 * need not be JSON), and a poll that waits for a condition without asserting on time.
 */
import { SIGNALS, type Signal } from '@driftwatch/schema';
import kafkajs from 'kafkajs';
import type { IHeaders, Producer } from 'kafkajs';
import type { MokapiTopic } from '../../../test/helpers/mokapi.js';
import type { CollectorApp } from '../../src/app.js';

export type Topics = Record<Signal, string>;

/** `dw-<tag>-<pid>-<random>.<signal>` per signal, and `<run>.dlq`. */
export function uniqueTopics(tag: string): { topics: Topics; dlq: string; run: string } {
  const run = `dw-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const topics = Object.fromEntries(SIGNALS.map((s) => [s, `${run}.${s}`])) as Topics;
  return { topics, dlq: `${run}.dlq`, run };
}

/**
 * The broker's topics: each signal topic of every set, checked against its signal's item schema
 * (or any bytes with `raw`, for deliberately broken records), and the dead-letter topic (any
 * bytes) unless `dlq` is left out.
 */
export function brokerTopics(
  sets: readonly Topics[],
  options: { dlq?: string; raw?: boolean } = {},
): MokapiTopic[] {
  const signalTopics = sets.flatMap((set) =>
    SIGNALS.map((signal) =>
      options.raw ? { name: set[signal], raw: true } : { name: set[signal], signal },
    ),
  );
  return options.dlq === undefined
    ? signalTopics
    : [...signalTopics, { name: options.dlq, raw: true }];
}

/** The collector's `/readiness` answer. */
export function readiness(collector: CollectorApp) {
  return collector.app.inject({ method: 'GET', url: '/readiness' });
}

/** Headers the SDK's Kafka transport sets on a record of `signal`. */
export function sdkHeaders(signal: Signal): Record<string, string> {
  return { 'dw-schema-version': '1', 'dw-signal': signal, 'content-type': 'application/json' };
}

export interface OutgoingRecord {
  topic: string;
  partition?: number;
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
}

export interface TestProducer {
  /** Sends each record in its own produce request, in order. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

function client(brokers: readonly string[]) {
  return new kafkajs.Kafka({
    clientId: 'dw-test',
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
}

export async function testProducer(brokers: readonly string[]): Promise<TestProducer> {
  const producer: Producer = client(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async send(records) {
      for (const { topic, partition, key, value, headers } of records) {
        await producer.send({
          topic,
          messages: [
            {
              value,
              key: key ?? null,
              headers: headers ?? {},
              ...(partition !== undefined ? { partition } : {}),
            },
          ],
        });
      }
    },
    close: () => producer.disconnect(),
  };
}

export interface RawRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

function headerTexts(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = (Array.isArray(value) ? value : [value]).join(',');
  }
  return out;
}

export interface TopicReader {
  readonly records: readonly RawRecord[];
  close(): Promise<void>;
}

/** Reads a topic from the beginning with a fresh group, keeping every record as text. */
export async function readTopic(brokers: readonly string[], topic: string): Promise<TopicReader> {
  const records: RawRecord[] = [];
  const consumer = client(brokers).consumer({
    groupId: `dw-test-reader-${process.pid}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString('utf8'),
        value: message.value === null ? null : message.value.toString('utf8'),
        headers: headerTexts(message.headers),
      });
    },
  });
  return { records, close: () => consumer.disconnect() };
}

/** Polls `check` until it holds; fails naming `what` and the last value seen after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
