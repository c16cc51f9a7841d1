/**
 * Kafka transport: one `producer.sendBatch` per TelemetryBatch (split when large), one topic per
 * signal; a retried batch resumes after its acknowledged requests. kafkajs retries are kept short
 * so a dead broker fails a send within `sendTimeoutMs`; the SDK pipeline owns queueing, backoff
 * and drop accounting. Never rejects.
 */
import { diag, type DiagLogger } from '@opentelemetry/api';
import { kafkaSeedBrokers } from '@driftwatch/schema';
import kafkajs from 'kafkajs';
import { quietKafkajsWhenIdle } from './kafkajs-idle.js';
import { KafkaSockets } from './kafka-sockets.js';
import { settleWithin } from '../pipeline/deadline.js';
import { SendDeadlineError } from '../pipeline/send-attempt.js';
import type { ISocketFactory, KafkaConfig, Producer, ProducerBatch } from 'kafkajs';
import { kafkaConfig } from './kafka-client-config.js';
import {
  describeKafkaError,
  idempotenceRefusal,
  isBrokerRefusal,
  isRetryableKafkaError,
  isTooLargeForBroker,
  isTopicRefusal,
  KafkaSendTimeoutError,
} from './kafka-errors.js';
import {
  encodeBatch,
  halveRequest,
  requestBytes,
  splitRequests,
  type KafkaMessage,
} from './kafka-messages.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';
import { KafkaTopicRefusals } from './kafka-topic-refusals.js';
import type { SendResult, TelemetryBatch, Transport } from './transport.js';

// kafkajs is CommonJS and spreads its error classes into module.exports, which Node's ESM
// named-export detection cannot see: take everything from the default export.
const { CompressionTypes, Kafka, KafkaJSError, Partitioners } = kafkajs;

export interface KafkaTransportDeps {
  /** Where kafkajs and transport diagnostics go. @default OTel `diag`, namespace driftwatch/kafka */
  logger?: DiagLogger;
  /**
   * Builds a kafkajs client, one per producer: each has its own socket factory, so the sockets of
   * a producer given up on can be closed (tests pass a fake). @default `new Kafka(config)`
   */
  createClient?: (config: KafkaConfig) => Pick<InstanceType<typeof Kafka>, 'producer'>;
}

/** Least time between two reconnection attempts made for readiness (not for a send). */
const RECHECK_MS = 1000;

/** One batch's produce requests and how many of them, from the first, the broker acknowledged. */
interface BatchProgress {
  readonly batch: TelemetryBatch;
  /** Split further where the broker refuses one as too large (see splitRefused). */
  readonly requests: ProducerBatch[];
  acked: number;
  /** Items left out: over maxMessageBytes, or alone in a request the broker refused as too large. */
  oversized: number;
  /** Records of topics the broker refused, left out (kafka-topic-refusals.ts). */
  refused: number;
}

/**
 * Creates the Kafka transport; connects in the background right away so `isReady()` turns
 * true without waiting for the first batch.
 *
 * @example createKafkaTransport(resolveKafkaOptions({ brokers: ['127.0.0.1:9092'] }))
 */
export function createKafkaTransport(
  options: ResolvedKafkaOptions,
  deps: KafkaTransportDeps = {},
): Transport {
  quietKafkajsWhenIdle();
  const logger = deps.logger ?? diag.createComponentLogger({ namespace: 'driftwatch/kafka' });
  const seeds = kafkaSeedBrokers(options.brokers);
  const config = kafkaConfig(options, seeds, logger);
  const createClient = deps.createClient ?? ((client: KafkaConfig) => new Kafka(client));
  const compression =
    options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  // Idempotent where the broker allows it: turned off, once, when the broker refuses it.
  let idempotent = options.idempotent;
  // The errors of connects that turned it off, for the sends that waited on them.
  const idempotenceErrors = new WeakSet<Error>();
  let ready = false;
  // The broker answered the last send and refused it (a missing topic, no leader): connecting
  // again proves nothing, so only a delivered batch makes the transport ready again.
  let refused = false;
  let closed = false;
  // The batch being sent: its produce requests, built once, and how many the broker acknowledged.
  // The pipeline retries with the same batch object, so a retry sends only the rest: records of
  // acknowledged requests are not written twice. One batch at a time; forgotten once it is done.
  let progress: BatchProgress | undefined;
  // The sockets of each producer not yet given up on: the current one and one connecting.
  const socketsOf = new Map<Producer, KafkaSockets>();
  // While idle nothing is sent, so nothing fails: the loss of every broker connection is what
  // says the broker went away. A fresh producer then connects (no more often than RECHECK_MS,
  // again when readiness is asked), which turns the transport ready when a broker answers.
  let rechecking = false;
  const closing = new AbortController();
  let lastRecheck = -Infinity;
  // The broker's size limit is below maxRequestBytes or maxMessageBytes: said once.
  let warnedTooLarge = false;
  // Half the smallest request the broker refused as too large: later batches are planned under
  // it, so one refusal does not cost every batch a refusal and a fresh producer.
  let requestBytesLimit = options.maxRequestBytes;
  const topicRefusals = new KafkaTopicRefusals(options, logger);
  // Producers made idempotent (their sequence numbers die with them; see splitRefused).
  const idempotentProducers = new WeakSet<Producer>();

  function recheck(): void {
    if (closed || rechecking || performance.now() - lastRecheck < RECHECK_MS) return;
    rechecking = true;
    lastRecheck = performance.now();
    // No one waits on it: its deadline holds no host that is done, and shutdown() aborts it.
    void withDeadline(connect(), closing.signal, false)
      .then((current) => {
        if (!closed && producer === current && !refused) ready = true;
      })
      .catch((error: unknown) => logger.debug('kafka: reconnect failed', error))
      .finally(() => {
        rechecking = false;
      });
  }

  function lostConnections(owner: Producer): void {
    if (producer !== owner || closed) return;
    logger.debug('kafka: every broker connection closed; connecting a fresh producer');
    // A fresh producer, not this one reconnected: kafkajs asks a broker it knew for nothing on
    // reconnect (TCP alone would pass for an answer), while a new producer's connect is a real
    // exchange (ApiVersions, and InitProducerId when idempotent: a restarted broker forgot ids).
    // A send still retrying on it fails with why (the failure a user is shown), not as if the
    // transport itself had closed the connection.
    const lost = socketsOf.get(owner)?.lastError;
    discard(
      owner,
      `every connection to the broker closed${lost ? ` (${lost.message})` : ''}: the broker stopped, restarted or dropped them`,
    );
    recheck();
  }

  function discard(
    stale: Producer,
    reason = 'connection closed by the driftwatch transport',
  ): void {
    if (producer === stale) producer = undefined;
    ready = false;
    // Its sockets first: kafkajs's disconnect() never closes one that a hung broker holds.
    socketsOf.get(stale)?.close(new Error(reason));
    socketsOf.delete(stale);
    stale.disconnect().catch((error: unknown) => logger.debug('kafka: disconnect failed', error));
  }

  /**
   * Turns idempotence off, once, when `error` is the broker refusing it; true when it did. kafkajs
   * asks for the producer id in `connect()`: the initial connect or a readiness recheck is where a
   * refusal shows first, and the next connect must already go without idempotence.
   */
  function fallBackFromIdempotence(error: unknown): boolean {
    const refusal = idempotent ? idempotenceRefusal(error) : undefined;
    if (refusal === undefined) return false;
    idempotent = false;
    logger.warn(
      `kafka: the broker refuses the idempotent producer (${refusal}); producing without it from now on (a retried batch may be written twice). Set kafka.idempotent false to skip this attempt.`,
    );
    return true;
  }

  function connect(): Promise<Producer> {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      // The callback runs on a socket's close, after `fresh` is assigned.
      const sockets = new KafkaSockets(() => lostConnections(fresh));
      const socketFactory: ISocketFactory = (socket) =>
        sockets.factory({ ...socket, host: seeds.addressOf(socket.host) });
      const fresh = createClient({ ...config, socketFactory }).producer({
        idempotent,
        maxInFlightRequests: idempotent ? 1 : undefined,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: config.retry,
      });
      socketsOf.set(fresh, sockets);
      if (idempotent) idempotentProducers.add(fresh);
      fresh.on(fresh.events.DISCONNECT, () => {
        // kafkajs only half-closes its sockets (see kafka-sockets.ts): they go now.
        socketsOf.get(fresh)?.close();
        socketsOf.delete(fresh);
        if (producer === fresh) {
          producer = undefined;
          ready = false;
        }
      });
      try {
        await fresh.connect();
      } catch (error) {
        discard(fresh);
        // A send that waits on this connect retries its batch rather than dropping it.
        if (fallBackFromIdempotence(error) && error instanceof Error) idempotenceErrors.add(error);
        throw error;
      }
      if (closed) {
        discard(fresh);
        throw new KafkaJSError('kafka transport is shut down', { retriable: false });
      }
      producer = fresh;
      if (!refused) ready = true;
      return fresh;
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  /** Encodes and splits a batch once: each retry sends the very requests the first try built. */
  function plan(batch: TelemetryBatch): BatchProgress {
    const encoded = encodeBatch(batch, options.topics, options.maxMessageBytes);
    const requests =
      encoded.topics.size === 0
        ? []
        : splitRequests(encoded, requestBytesLimit).map((topicMessages): ProducerBatch => ({
            topicMessages,
            acks: options.acks,
            timeout: options.requestTimeoutMs,
            compression,
          }));
    // A topic refused lately goes in requests of its own: its refusal costs no split (nor, for
    // an idempotent producer, a fresh producer) batch after batch.
    return {
      batch,
      requests: topicRefusals.isolate(requests),
      acked: 0,
      oversized: encoded.oversized,
      refused: 0,
    };
  }

  /**
   * The producer to resend a refused request's parts with, after the broker wrote some of them:
   * kafkajs did not count (or rolled back) their sequence numbers, so this idempotent producer's
   * resend would be refused as out of order. A fresh producer id starts every sequence again
   * (those records are written twice; without idempotence they are too).
   */
  async function afterPartialWrite(current: Producer): Promise<Producer> {
    if (!idempotentProducers.has(current)) return current;
    discard(current);
    return connect();
  }

  /** Sends the batch; resolves with its progress (what was left out, as too large or refused). */
  async function deliver(
    batch: TelemetryBatch,
    attempt: { abandoned: boolean },
  ): Promise<BatchProgress> {
    if (progress?.batch !== batch) progress = plan(batch);
    const state = progress;
    if (state.acked === state.requests.length) return state;
    let current = await connect();
    try {
      while (state.acked < state.requests.length) {
        // Given up at its deadline: no one waits for this send, and its retry goes on from the
        // first unacknowledged request (two loops sending the rest would write it twice).
        if (attempt.abandoned) return state;
        const index = state.acked;
        try {
          await current.sendBatch(state.requests[index]!);
        } catch (error) {
          if (!attempt.abandoned && error instanceof Error && isTopicRefusal(error)) {
            const before = state.requests.length;
            state.refused += topicRefusals.refuse(state.requests, index, error);
            // Split into one request per topic: a refusal in the produce answer (a topic that
            // may be described but not written) came after the other topics were written.
            if (state.requests.length > before) current = await afterPartialWrite(current);
            continue;
          }
          if (attempt.abandoned || !isTooLargeForBroker(error)) throw error;
          splitRefused(state, index);
          // The partitions a multi-broker request put on other brokers (or the partitions the
          // broker took before refusing one) were written.
          current = await afterPartialWrite(current);
          continue;
        }
        state.acked = Math.max(state.acked, index + 1);
      }
      // A refused topic keeps the transport not ready, as a refused batch does (see `refused`).
      refused = state.refused > 0;
      ready = !refused;
      return state;
    } catch (error) {
      // A fresh producer gets new connections and a new producer id (a restarted broker
      // forgets idempotent producer state).
      if (isRetryableKafkaError(error)) discard(current);
      throw error;
    }
  }

  /**
   * A request the broker refused as too large (its limit, or a topic's, is below maxRequestBytes
   * or maxMessageBytes) goes again as two halves, and a record alone over the limit is left out
   * as too large: kafkajs does not retry the refusal, and the whole batch would be lost for it.
   */
  function splitRefused(state: BatchProgress, index: number): void {
    const request = state.requests[index]!;
    // The requests are built from KafkaMessages (plan), kafkajs's type is only wider.
    const refusedBytes = requestBytes(
      (request.topicMessages ?? []) as Array<{ topic: string; messages: KafkaMessage[] }>,
    );
    requestBytesLimit = Math.min(requestBytesLimit, Math.max(1, Math.floor(refusedBytes / 2)));
    const halves = halveRequest(request.topicMessages ?? []);
    if (halves) {
      state.requests.splice(
        index,
        1,
        ...halves.map((topicMessages) => ({ ...request, topicMessages })),
      );
    } else {
      state.requests.splice(index, 1);
      state.oversized += request.topicMessages?.[0]?.messages.length ?? 0;
    }
    if (warnedTooLarge) return;
    warnedTooLarge = true;
    logger.warn(
      `kafka ${options.brokers.join(',')}: the broker refused a produce request as too large (its message.max.bytes, or a topic's max.message.bytes, is below transport.maxRequestBytes ${options.maxRequestBytes} or transport.maxMessageBytes ${options.maxMessageBytes}); sending smaller requests from now on (records the broker took from a refused request are written again), and a record alone over the limit is dropped as too_large. Set both options to the broker's limit.`,
    );
  }

  /** Items of `batch` in its acknowledged produce requests. */
  function deliveredOf(batch: TelemetryBatch): number {
    if (progress?.batch !== batch) return 0;
    let items = 0;
    for (const request of progress.requests.slice(0, progress.acked))
      for (const topic of request.topicMessages ?? []) items += topic.messages.length;
    return items;
  }

  /** Topics of the requests of `batch` not yet acknowledged (what a failure is about). */
  function pendingTopicsOf(batch: TelemetryBatch): string[] {
    if (progress?.batch !== batch) return [];
    const topics = new Set<string>();
    for (const request of progress.requests.slice(progress.acked))
      for (const { topic } of request.topicMessages ?? []) topics.add(topic);
    return [...topics];
  }

  /** Drops the progress of `batch` once the pipeline will not send it again. */
  function forget(batch: TelemetryBatch): void {
    if (progress?.batch === batch) progress = undefined;
  }

  /**
   * `work`, or a KafkaSendTimeoutError at sendTimeoutMs or when `signal` aborts. Whichever comes
   * first clears the timer and the listener: a send aborted at shutdown while the broker hangs
   * must not hold the host's process for the rest of sendTimeoutMs. `holdHost` false: the timer
   * alone does not keep the process alive (work no one waits for).
   */
  function withDeadline<T>(work: Promise<T>, signal?: AbortSignal, holdHost = true): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const timer = setTimeout(() => {
        const message = `no answer within sendTimeoutMs (${options.sendTimeoutMs} ms)`;
        settle(() => reject(new KafkaSendTimeoutError(message)));
      }, options.sendTimeoutMs);
      if (!holdHost) timer.unref();
      const onAbort = (): void =>
        settle(() => reject(new KafkaSendTimeoutError('kafka send aborted')));
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  connect().catch((error: unknown) => {
    logger.debug('kafka: initial connect failed; retrying on the next send', error);
  });

  return {
    name: 'kafka',
    acceptsWireJson: true,
    async send(batch: TelemetryBatch, signal?: AbortSignal): Promise<SendResult> {
      if (closed) {
        return { ok: false, retryable: false, error: new Error('kafka transport is shut down') };
      }
      if (signal?.aborted) {
        return {
          ok: false,
          retryable: true,
          error: new KafkaSendTimeoutError('kafka send aborted'),
        };
      }
      const attempt = { abandoned: false };
      try {
        // Oversized items are the pipeline's to count and report (dropped "too_large"), not sent.
        const { oversized, refused: refusedRecords } = await withDeadline(
          deliver(batch, attempt),
          signal,
        );
        forget(batch);
        return {
          ok: true,
          ...(oversized > 0 ? { droppedTooLarge: oversized } : {}),
          ...(refusedRecords > 0 ? { rejectedUnlisted: refusedRecords } : {}),
        };
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        const delivered = deliveredOf(batch);
        // Left out of every attempt (alone over maxMessageBytes): too_large, whatever happens.
        const oversized = progress?.batch === batch ? progress.oversized : 0;
        const topics = pendingTopicsOf(batch);
        const refusedAtConnect = idempotenceErrors.has(error);
        if (refusedAtConnect || fallBackFromIdempotence(error)) {
          // The same batch goes again (pipeline backoff) through a producer without idempotence;
          // an idempotent producer still held goes.
          if (!refusedAtConnect && producer) discard(producer);
          return {
            ok: false,
            retryable: true,
            error: describeKafkaError(error, options, topics),
            ...(delivered > 0 ? { delivered } : {}),
            ...(oversized > 0 ? { droppedTooLarge: oversized } : {}),
          };
        }
        const retryable = isRetryableKafkaError(error);
        if (isBrokerRefusal(error)) {
          refused = true;
          ready = false;
        }
        if (retryable) {
          ready = false;
          // A send given up on (sendTimeoutMs, or the pipeline's deadline aborting it) may be
          // held by a hung broker: a fresh producer for the next. Aborted for shutdown, the
          // producer is left to shutdown(), which closes it quietly (discarding it here would
          // fail its sockets, and kafkajs would retry on timers that hold the host).
          const forShutdown =
            signal?.aborted === true && !(signal.reason instanceof SendDeadlineError);
          if (error instanceof KafkaSendTimeoutError && producer && !closed && !forShutdown) {
            discard(producer);
          }
        } else {
          forget(batch);
          // Reported by the pipeline (once a minute with a count): a line per batch would flood.
          logger.debug(`kafka: batch rejected: ${error.message}`);
        }
        return {
          ok: false,
          retryable,
          error: describeKafkaError(error, options, topics),
          ...(delivered > 0 ? { delivered } : {}),
          ...(oversized > 0 ? { droppedTooLarge: oversized } : {}),
        };
      } finally {
        attempt.abandoned = true;
      }
    },
    isReady() {
      if (!ready) recheck();
      return ready && !closed;
    },
    async shutdown(timeoutMs: number): Promise<void> {
      closed = true;
      closing.abort();
      ready = false;
      progress = undefined;
      const pending = connecting;
      const current = producer;
      producer = undefined;
      const work = (async () => {
        const late = pending ? await pending.catch(() => undefined) : undefined;
        await Promise.allSettled([current?.disconnect(), late?.disconnect()]);
      })();
      await settleWithin(work, timeoutMs, undefined);
      // Then what a hung broker keeps open is closed, and no producer opens another. Quietly:
      // kafkajs would retry the requests a failed socket fails on timers that hold the host.
      for (const sockets of socketsOf.values()) sockets.close();
      socketsOf.clear();
    },
  };
}
