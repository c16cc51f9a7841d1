/**
 * Dead-letter records: a refused record's original key and value, its original headers, and
 * headers that say why (reason, field, message) and where it came from (topic, partition,
 * offset, consumer group), so that it can be inspected, fixed and produced again.
 */
import type { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import type { RecordRejection } from './kafka-record.js';

/** Header names a dead-letter record carries besides the original ones. */
export const DeadLetterHeaders = {
  /** One of RejectionReasons: bad-json, schema-version, content-type, signal-mismatch, invalid-item. */
  reason: 'dw-dlq-reason',
  /** The field at fault: a JSON pointer into the item, `(item)`, `(value)` or `header <name>`. */
  field: 'dw-dlq-field',
  /** What was wrong and what was expected, as the ingest API words a rejected item. */
  message: 'dw-dlq-message',
  sourceTopic: 'dw-dlq-source-topic',
  sourcePartition: 'dw-dlq-source-partition',
  sourceOffset: 'dw-dlq-source-offset',
  consumerGroup: 'dw-dlq-consumer-group',
} as const;

/** Most characters of `dw-dlq-message` (an item may have ten long issues). */
const MAX_MESSAGE_CHARS = 4000;

export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
}

/** The dead-letter record of a refused one. */
export function deadLetter(
  source: DeadLetterSource,
  record: KafkaMessage,
  rejection: RecordRejection,
): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (value !== undefined && !name.startsWith('dw-dlq-')) headers[name] = value;
  }
  Object.assign(headers, {
    [DeadLetterHeaders.reason]: rejection.reason,
    [DeadLetterHeaders.field]: rejection.field,
    [DeadLetterHeaders.message]: rejection.message.slice(0, MAX_MESSAGE_CHARS),
    [DeadLetterHeaders.sourceTopic]: source.topic,
    [DeadLetterHeaders.sourcePartition]: String(source.partition),
    [DeadLetterHeaders.sourceOffset]: record.offset,
    [DeadLetterHeaders.consumerGroup]: source.groupId,
  });
  return { key: record.key, value: record.value, headers };
}

/** Sends dead-letter records and says which ones the brokers did not acknowledge (acks all). */
export class DeadLetterSink {
  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  /**
   * One produce request per record: a dead letter is rare, and a request of one record is what
   * every broker reads alike (several large records in one batch are misread by some test
   * brokers). Sent in parallel. Returns the records not acknowledged, with the first error, so
   * that a retry sends only those (one acknowledged is not sent twice by this collector).
   */
  async send(messages: readonly Message[]): Promise<{ unsent: Message[]; error?: Error }> {
    const settled = await Promise.allSettled(
      messages.map((message) =>
        this.producer.send({ topic: this.topic, acks: -1, messages: [message] }),
      ),
    );
    const unsent = messages.filter((_, i) => settled[i]?.status === 'rejected');
    const failure = settled.find((result) => result.status === 'rejected');
    return failure ? { unsent, error: failure.reason as Error } : { unsent };
  }
}
