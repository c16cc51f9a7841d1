/**
 * The Kafka source: a consumer group over the signal topics (eachBatch, offsets committed by
 * kafka-batch.ts only once a batch is durable) and a producer for the dead-letter topic.
 * `start()` connects in the background and keeps trying until its topics exist and it joins, so
 * a broker that is not up yet neither fails the collector's start nor its HTTP ingest;
 * `status()` feeds /readiness;
 * `close()` lets the batch in progress finish, then leaves the group and disconnects.
 */
import type { Signal } from '@driftwatch/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { EventWriter } from '../storage/event-writer.js';
import { backoffMs, pause } from './backoff.js';
import { DeadLetterSink } from './dead-letter.js';
import { handleBatch, type BatchContext } from './kafka-batch.js';
import { createPartitioner, kafkaClient } from './kafka-client.js';
import type { KafkaSourceOptions } from './kafka-options.js';

/** Where the source stands: `joined` consumes, `rebalancing` will again once it rejoins. */
export type KafkaSourceState =
  'connecting' | 'joined' | 'rebalancing' | 'disconnected' | 'crashed' | 'closed';

export interface KafkaSourceStatus {
  readonly state: KafkaSourceState;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Partitions assigned to this member at its last join. */
  readonly partitions: number;
  /** The last connection or consumer error, until the next join. */
  readonly lastError?: string;
}

/** Longest close() waits for a connection attempt in progress to give up, in ms. */
const CLOSE_CONNECT_WAIT_MS = 1000;

export class KafkaSource {
  private readonly kafka: Kafka;
  private readonly stopping = new AbortController();
  private readonly signalOf: ReadonlyMap<string, Signal>;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private state: KafkaSourceState = 'disconnected';
  private partitions = 0;
  private lastError: string | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly options: Readonly<KafkaSourceOptions>,
    private readonly writer: EventWriter,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.kafka = kafkaClient(options, logger);
    this.signalOf = new Map(
      Object.entries(options.topics).map(([signal, topic]) => [topic, signal as Signal]),
    );
  }

  status(): KafkaSourceStatus {
    return {
      state: this.state,
      groupId: this.options.groupId,
      topics: [...this.signalOf.keys()],
      partitions: this.partitions,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Starts connecting in the background; never throws (failures are logged and retried). */
  start(): void {
    if (this.connecting) return;
    const { brokers, groupId, deadLetterTopic } = this.options;
    this.logger.info(
      { brokers, groupId, topics: [...this.signalOf.keys()], deadLetterTopic },
      'kafka source starting',
    );
    this.connecting = this.connectUntilJoined();
  }

  /** Finishes the batch in progress (a failing one stops retrying, uncommitted), then leaves. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.stopping.abort();
    // Stops a running consumer once its batch is done (a write in progress lands first).
    await this.disconnect();
    // A connection attempt in progress sees the stop after its current step and disconnects what
    // it connected; kafkajs retries a connect for several seconds, longer than a stop may wait.
    await Promise.race([
      this.connecting,
      pause(CLOSE_CONNECT_WAIT_MS, new AbortController().signal),
    ]);
    await this.disconnect();
    this.state = 'closed';
    this.logger.info({ groupId: this.options.groupId }, 'kafka source closed');
  }

  /** Whether records flow or soon will again: joined, or rejoining after a rebalance. */
  isConsuming(): boolean {
    return this.state === 'joined' || this.state === 'rebalancing';
  }

  private async connectUntilJoined(): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt += 1) {
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        // What this attempt connected, also when it gave up because the source closes.
        await this.disconnect();
        if (this.stopping.signal.aborted) return;
        this.state = 'disconnected';
        this.lastError = (error as Error).message;
        const retryInMs = backoffMs(attempt, this.options.retryMaxMs);
        this.logger.warn(
          { err: error, brokers: this.options.brokers, attempt: attempt + 1, retryInMs },
          'kafka source cannot connect; trying again',
        );
        await pause(retryInMs, this.stopping.signal);
      }
    }
  }

  private stopIfClosing(): void {
    if (this.stopping.signal.aborted) throw new Error('kafka source closing');
  }

  private async connectOnce(): Promise<void> {
    this.state = 'connecting';
    await this.checkTopics();
    this.stopIfClosing();
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner });
    this.producer = producer;
    await producer.connect();
    this.stopIfClosing();
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.observe(consumer);
    await consumer.connect();
    this.stopIfClosing();
    // A new group starts at the beginning: records produced before the first collector joined
    // are not skipped. A known group resumes at its committed offsets.
    await consumer.subscribe({ topics: [...this.signalOf.keys()], fromBeginning: true });
    this.stopIfClosing();
    const context: BatchContext = {
      signalOf: this.signalOf,
      writer: this.writer,
      deadLetters: new DeadLetterSink(producer, this.options.deadLetterTopic),
      groupId: this.options.groupId,
      retryMaxMs: this.options.retryMaxMs,
      stopping: this.stopping.signal,
      logger: this.logger,
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => handleBatch(payload, context),
    });
    // Closed while starting to run: the catch disconnects it.
    this.stopIfClosing();
  }

  /**
   * Fails the attempt, naming them, while a topic the source reads or writes is missing. Neither
   * end creates topics; without this check a missing signal topic failed with kafkajs's "does not
   * host this topic-partition", and a missing dead-letter topic passed unseen until the first
   * refused record, which then held its partition.
   */
  private async checkTopics(): Promise<void> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    this.stopIfClosing();
    const existing = new Set(await admin.listTopics());
    await admin.disconnect();
    this.admin = undefined;
    const wanted = [...this.signalOf.keys(), this.options.deadLetterTopic];
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0)
      throw new Error(
        `topic(s) missing on the brokers, or not visible to this client (ACLs): ${missing.join(', ')}; the collector creates none (docker-compose.yml's kafka-init shows how)`,
      );
  }

  private observe(consumer: Consumer): void {
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.state = 'joined';
      this.lastError = undefined;
      const assigned = Object.values(payload.memberAssignment);
      this.partitions = assigned.reduce((sum, partitions) => sum + partitions.length, 0);
      this.logger.info(
        {
          groupId: payload.groupId,
          memberId: payload.memberId,
          assignment: payload.memberAssignment,
        },
        'kafka source joined its consumer group',
      );
    });
    consumer.on(events.REBALANCING, () => {
      if (this.state === 'joined') this.state = 'rebalancing';
    });
    consumer.on(events.DISCONNECT, () => {
      if (this.state !== 'closed') this.state = 'disconnected';
    });
    consumer.on(events.CRASH, ({ payload }) => {
      this.lastError = payload.error.message;
      this.logger.error(
        { err: payload.error, restart: payload.restart },
        payload.restart ? 'kafka consumer crashed; kafkajs restarts it' : 'kafka consumer crashed',
      );
      if (payload.restart || this.stopping.signal.aborted) return;
      // An error kafkajs does not retry (an authorization refused, a topic deleted): start over
      // after a pause, rather than leave the records unread until someone restarts the collector.
      this.state = 'crashed';
      this.connecting = (async () => {
        await this.disconnect();
        await pause(this.options.retryMaxMs, this.stopping.signal);
        await this.connectUntilJoined();
      })();
    });
  }

  private async disconnect(): Promise<void> {
    const { admin, consumer, producer } = this;
    this.admin = undefined;
    this.consumer = undefined;
    this.producer = undefined;
    for (const client of [admin, consumer, producer]) {
      try {
        await client?.disconnect();
      } catch (error) {
        this.logger.warn({ err: error }, 'kafka source disconnect failed');
      }
    }
  }
}
