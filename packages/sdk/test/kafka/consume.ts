/**
 * Test helper: reads topics back with a kafkajs consumer (fresh group, from the beginning) and
 * keeps every record with its partition, offset, key, parsed JSON value and string headers.
 */
import kafkajs from 'kafkajs';
import type { Consumer } from 'kafkajs';

export interface ConsumedRecord<T = Record<string, unknown>> {
  readonly topic: string;
  readonly partition: number;
  /** Offset within the partition, as a number. */
  readonly offset: number;
  readonly key: string | null;
  readonly value: T;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TopicReader {
  /** Every record received so far, in arrival order. */
  readonly records: readonly ConsumedRecord[];
  /** Records of one topic. */
  of<T = Record<string, unknown>>(topic: string): Array<ConsumedRecord<T>>;
  /**
   * Resolves once `done(records)` holds; rejects after `timeoutMs` naming what was seen. `onPoll`
   * (a flush) is started again whenever the last one is over.
   */
  until(
    done: (records: readonly ConsumedRecord[]) => boolean,
    timeoutMs: number,
    onPoll?: () => Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Subscribes a new consumer group to `topics`; `await reader.close()` in afterAll. */
export async function readTopics(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<TopicReader> {
  const kafka = new kafkajs.Kafka({
    clientId: 'dw-test-reader',
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const records: ConsumedRecord[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: `dw-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (value !== undefined)
          headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
      }
      records.push({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key === null ? null : message.key.toString('utf8'),
        value: JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>,
        headers,
      });
    },
  });
  return {
    records,
    of: <T>(topic: string) =>
      records.filter((record) => record.topic === topic) as unknown as Array<ConsumedRecord<T>>,
    async until(done, timeoutMs, onPoll) {
      const deadline = Date.now() + timeoutMs;
      // The poll (a flush) runs beside the checks, one at a time: a flush sending hundreds of
      // items one per request (Mokapi's limits, see apps.ts) must neither hide records that
      // already arrived nor hold the wait past its deadline.
      let polling: Promise<void> | undefined;
      while (!done(records)) {
        if (Date.now() > deadline) {
          const counts = new Map<string, number>();
          for (const record of records)
            counts.set(record.topic, (counts.get(record.topic) ?? 0) + 1);
          throw new Error(
            `records not complete after ${timeoutMs} ms; have ${JSON.stringify([...counts])}`,
          );
        }
        if (onPoll && !polling) {
          polling = onPoll()
            .catch(() => undefined)
            .finally(() => {
              polling = undefined;
            });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    close: () => consumer.disconnect(),
  };
}
