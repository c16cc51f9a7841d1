/**
 * A topic the broker refuses (it does not exist, the producer never creates topics; or the
 * transport.sasl user may not write it) costs only its own records. kafkajs looks up every topic
 * of a produce request before it sends any (and a broker answering the produce request may write
 * the other topics, then refuse one), so one refused topic fails a request that also holds
 * other signals' records; and the pipeline sends one batch at a time, so retrying that batch to
 * its deadline would hold every later batch back until the queues overflow (a missing metrics
 * topic would cost nearly every prediction). A refused request of several topics is sent again
 * one topic per request (records the broker had written from it are written again); a refused
 * one-topic request is left out of the batch, its records dropped as "rejected", and said at most
 * once a minute, naming the topics and the options that set them. For a minute after, the topic
 * is planned in requests of its own, so later batches need no split.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { ProducerBatch } from 'kafkajs';
import { describeKafkaError } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

const REPORT_EVERY_MS = 60_000;
/** How long a refused topic is sent in requests of its own before it is mixed again. */
const ISOLATE_MS = 60_000;

export class KafkaTopicRefusals {
  #lastReport = -Infinity;
  #unreported = 0;
  #topics = new Set<string>();
  /** Topics refused lately, with when. */
  readonly #refusedAt = new Map<string, number>();

  constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly logger: DiagLogger,
  ) {}

  /**
   * Handles the refusal of `requests[index]` in place: split into one request per topic when it
   * holds several (0 returned, the loop sends them next), else removed. Returns the records
   * left out.
   */
  refuse(requests: ProducerBatch[], index: number, error: Error): number {
    const request = requests[index]!;
    const topics = request.topicMessages ?? [];
    if (topics.length > 1) {
      requests.splice(index, 1, ...topics.map((topic) => ({ ...request, topicMessages: [topic] })));
      return 0;
    }
    requests.splice(index, 1);
    const records = topics[0]?.messages.length ?? 0;
    const topic = topics[0]?.topic;
    if (topic !== undefined) {
      this.#topics.add(topic);
      this.#refusedAt.set(topic, performance.now());
    }
    this.#report(records, error);
    return records;
  }

  /** `requests`, each topic refused lately taken out of its request into one of its own. */
  isolate(requests: ProducerBatch[]): ProducerBatch[] {
    if (this.#refusedAt.size === 0) return requests;
    const now = performance.now();
    for (const [topic, at] of this.#refusedAt)
      if (now - at > ISOLATE_MS) this.#refusedAt.delete(topic);
    const out: ProducerBatch[] = [];
    for (const request of requests) {
      const topics = request.topicMessages ?? [];
      const refused = topics.filter((entry) => this.#refusedAt.has(entry.topic));
      if (refused.length === 0 || topics.length === 1) {
        out.push(request);
        continue;
      }
      const rest = topics.filter((entry) => !this.#refusedAt.has(entry.topic));
      if (rest.length > 0) out.push({ ...request, topicMessages: rest });
      for (const entry of refused) out.push({ ...request, topicMessages: [entry] });
    }
    return out;
  }

  #report(records: number, error: Error): void {
    this.#unreported += records;
    const now = performance.now();
    if (now - this.#lastReport < REPORT_EVERY_MS) return;
    this.#lastReport = now;
    const described = describeKafkaError(error, this.options, [...this.#topics]);
    this.logger.warn(
      `${described.message}; ${this.#unreported} record(s) of those topics dropped as rejected since the last report, the other topics' records sent`,
    );
    this.#unreported = 0;
    this.#topics = new Set();
  }
}
