/**
 * The Kafka transport without a broker: what it hands kafkajs (codec, acks, split requests), how
 * it classifies failures and replaces its producer (send failures: kafka-send-failures.test.ts);
 * and the gzip codec path
 * (Mokapi cannot read gzip batches): our messages in a kafkajs GZIP record batch, decoded back.
 */
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { encodeBatch, type KafkaMessage } from '../../src/transport/kafka-messages.js';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import {
  batchOf,
  brokerDown,
  CompressionTypes,
  fakeKafka,
  idsOf,
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  prediction,
  protocolError,
  transport,
} from './fake-kafka.js';
import { silentLogger as silent } from './silent-logger.js';

describe('createKafkaTransport', () => {
  it('sends gzip record batches with acks=-1 by default, uncompressed with compression none', async () => {
    const kafka = fakeKafka();
    const gzip = transport({}, kafka);
    expect(await gzip.send(batchOf(2))).toEqual({ ok: true });
    expect(kafka.sent[0]?.request).toMatchObject({
      compression: CompressionTypes.GZIP,
      acks: -1,
      timeout: 5000,
    });
    expect(gzip.isReady()).toBe(true);
    const plain = transport(
      { compression: 'none', idempotent: false, acks: 1, requestTimeoutMs: 1234 },
      kafka,
    );
    expect(await plain.send(batchOf(1))).toEqual({ ok: true });
    expect(kafka.sent[1]?.request).toMatchObject({
      compression: CompressionTypes.None,
      acks: 1,
      timeout: 1234,
    });
    await gzip.shutdown(100);
    await plain.shutdown(100);
  });

  it('splits a batch over maxRequestBytes into several produce requests, in order', async () => {
    const kafka = fakeKafka();
    const t = transport({ maxRequestBytes: 2048 }, kafka);
    expect(await t.send(batchOf(20))).toEqual({ ok: true });
    expect(kafka.sent.length).toBeGreaterThan(3);
    const ids = kafka.sent.flatMap(
      (s) =>
        s.request.topicMessages?.flatMap((t) =>
          t.messages.map((m) => (JSON.parse(String(m.value)) as PredictionEvent).predictionId),
        ) ?? [],
    );
    expect(ids).toEqual(batchOf(20).predictions.map((p) => p.predictionId));
    await t.shutdown(100);
  });

  it('resends only the unacknowledged requests when the pipeline retries the same batch', async () => {
    // A broker failing exactly the second produce request cannot be arranged with Mokapi.
    let calls = 0;
    const kafka = fakeKafka(() =>
      ++calls === 2 ? Promise.reject(brokerDown()) : Promise.resolve(),
    );
    const t = transport({ maxRequestBytes: 2048 }, kafka);
    // Twelve predictions make three requests of four; the second fails once.
    const batch = batchOf(12);
    expect(await t.send(batch)).toMatchObject({ ok: false, retryable: true });
    expect(await t.send(batch)).toEqual({ ok: true });
    expect(kafka.sent.map((s) => idsOf(s.request))).toEqual([
      ['p-0', 'p-1', 'p-2', 'p-3'],
      ['p-4', 'p-5', 'p-6', 'p-7'],
      ['p-4', 'p-5', 'p-6', 'p-7'],
      ['p-8', 'p-9', 'p-10', 'p-11'],
    ]);
    const acknowledged = kafka.sent.filter((_, call) => call !== 1);
    expect(acknowledged.flatMap((s) => idsOf(s.request))).toEqual(
      batch.predictions.map((p) => p.predictionId),
    );
    // Once delivered the progress is forgotten: another batch, equal or not, is sent whole.
    expect(await t.send(batchOf(12))).toEqual({ ok: true });
    expect(kafka.sent).toHaveLength(7);
    await t.shutdown(100);
  });

  it.each([
    [
      'rejected',
      () => protocolError({ message: 'bad', type: 'INVALID_RECORD', code: 87, retriable: false }),
      'send_failed',
    ],
    ['never acknowledged', brokerDown, 'retry_exhausted'],
  ] as const)(
    'counts the acknowledged part of a split batch as sent when the rest is %s',
    async (_case, failure, reason) => {
      // Twelve predictions make three produce requests of four; every try of the second fails.
      const kafka = fakeKafka((request) =>
        idsOf(request)[0] === 'p-4' ? Promise.reject(failure()) : Promise.resolve(),
      );
      const options = resolveOptions(
        {
          batch: { lingerMs: 10 },
          retry: { initialBackoffMs: 10, maxBackoffMs: 20, deadlineMs: 200 },
        },
        {},
      );
      const pipeline = new ExportPipeline({
        queue: options.queue,
        batch: options.batch,
        retry: options.retry,
        resource: { 'service.name': 'svc' },
        diagnostics: createDiagnostics('fatal', { write: () => undefined }),
      });
      pipeline.setTransport(transport({ maxRequestBytes: 2048 }, kafka));
      for (const event of batchOf(12).predictions) pipeline.enqueue('predictions', event, 300);
      await pipeline.flush();
      const acknowledged = kafka.sent.filter((s) => idsOf(s.request)[0] === 'p-0');
      expect(acknowledged).toHaveLength(1);
      // p-0…p-3 are in Kafka; the other eight are not (the third request never went).
      expect(pipeline.stats.sentItems).toBe(4);
      expect(pipeline.stats.dropped[reason]).toBe(8);
      await pipeline.shutdown(100);
    },
  );

  it('stops a send given up at its deadline before its next request, for the retry to go on', async () => {
    // Produce requests answered by hand: the first producer's second request outlives the send's
    // deadline and is acknowledged while the retry's copy of it is still in flight.
    const answers = new Map<string, () => void>();
    const kafka = fakeKafka((request, producer) => {
      const first = idsOf(request)[0];
      if (first === 'p-0' || (producer === 1 && first === 'p-8')) return Promise.resolve();
      return new Promise((resolve) => answers.set(`${producer}:${first}`, resolve));
    });
    const t = transport({ maxRequestBytes: 2048, sendTimeoutMs: 200 }, kafka);
    const batch = batchOf(12);
    expect(await t.send(batch)).toMatchObject({ ok: false, retryable: true });
    const retry = t.send(batch);
    await vi.waitFor(() => expect(answers.has('1:p-4')).toBe(true));
    answers.get('0:p-4')?.();
    await new Promise((resolve) => setImmediate(resolve));
    answers.get('1:p-4')?.();
    expect(await retry).toEqual({ ok: true });
    // The second request went twice (its outcome was unknown at the deadline), the third once.
    expect(kafka.sent.map((s) => `${s.producer}:${idsOf(s.request)[0]}`)).toEqual([
      '0:p-0',
      '0:p-4',
      '1:p-4',
      '1:p-8',
    ]);
    await t.shutdown(100);
  });

  it('leaves items over maxMessageBytes out of the send and says how many (for the pipeline to count)', async () => {
    const kafka = fakeKafka();
    const t = transport({ maxMessageBytes: 1000 }, kafka);
    const large = { ...prediction(1), features: { note: 'x'.repeat(1000) } };
    const mixed = { ...batchOf(1), predictions: [prediction(0), large] };
    expect(await t.send(mixed)).toEqual({ ok: true, droppedTooLarge: 1 });
    expect(kafka.sent).toHaveLength(1);
    expect(kafka.sent[0]?.request.topicMessages?.[0]?.messages).toHaveLength(1);
    // Nothing left to send: no produce request at all.
    expect(await t.send({ ...batchOf(0), predictions: [large] })).toEqual({
      ok: true,
      droppedTooLarge: 1,
    });
    expect(kafka.sent).toHaveLength(1);
    await t.shutdown(100);
  });

  it('answers retryable for a dead broker and replaces the producer; non-retryable for a rejected record', async () => {
    let fail: Error | undefined;
    const kafka = fakeKafka(() => (fail ? Promise.reject(fail) : Promise.resolve()));
    const t = transport({}, kafka);
    expect(await t.send(batchOf(1))).toEqual({ ok: true });

    fail = new KafkaJSNumberOfRetriesExceeded(
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'),
      { retryCount: 2, retryTime: 100 },
    );
    const down = await t.send(batchOf(1));
    expect(down).toMatchObject({ ok: false, retryable: true });
    expect(t.isReady()).toBe(false);
    expect(kafka.disconnected).toContain(0);

    fail = protocolError({
      message: 'out of order',
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      code: 45,
      retriable: false,
    });
    expect(await t.send(batchOf(1))).toMatchObject({ ok: false, retryable: true });

    fail = protocolError({
      message: 'invalid record',
      type: 'INVALID_RECORD',
      code: 87,
      retriable: false,
    });
    const rejected = await t.send(batchOf(1));
    expect(rejected).toMatchObject({ ok: false, retryable: false });

    fail = undefined;
    expect(await t.send(batchOf(1))).toEqual({ ok: true });
    expect(t.isReady()).toBe(true);
    // Each retryable failure got a fresh producer (new connections, new producer id).
    expect(kafka.producers()).toBe(3);
    await t.shutdown(100);
  });

  it.each([
    [
      'refuses IdempotentWrite',
      () =>
        protocolError({
          message: 'Cluster authorization failed',
          type: 'CLUSTER_AUTHORIZATION_FAILED',
          code: 31,
          retriable: false,
        }),
    ],
    [
      'has no InitProducerId API',
      () =>
        Object.assign(new Error('The Kafka server does not support the requested API version'), {
          name: 'KafkaJSServerDoesNotSupportApiKey',
          apiName: 'InitProducerId',
        }),
    ],
  ])('produces without idempotence, once, when the broker %s', async (_case, refusal) => {
    // A broker that refuses idempotence cannot be run here (Mokapi allows it): kafkajs's
    // InitProducerId failure, as it surfaces from sendBatch, is played by the fake client.
    const kafka = fakeKafka((_request, _index, config) =>
      config?.idempotent
        ? Promise.reject(
            new KafkaJSNumberOfRetriesExceeded(refusal(), { retryCount: 0, retryTime: 0 }),
          )
        : Promise.resolve(),
    );
    const warnings: string[] = [];
    const t = createKafkaTransport(resolveKafkaOptions({ brokers: ['k:9092'] }, {}), {
      logger: { ...silent, warn: (message: string) => void warnings.push(message) },
      createClient: kafka.createClient,
    });
    // The first send fails retryable (the pipeline sends the batch again after its backoff).
    expect(await t.send(batchOf(1))).toMatchObject({ ok: false, retryable: true });
    expect(await t.send(batchOf(1))).toEqual({ ok: true });
    expect(await t.send(batchOf(1))).toEqual({ ok: true });
    expect(kafka.configs.map((config) => config?.idempotent)).toEqual([true, false]);
    expect(kafka.configs[1]?.maxInFlightRequests).toBeUndefined();
    expect(kafka.disconnected).toEqual([0]);
    expect(
      warnings.filter((warning) => warning.includes('refuses the idempotent producer')),
    ).toHaveLength(1);
    await t.shutdown(100);
  });

  it('keeps idempotence off after the fallback, and a non-idempotent producer is never switched', async () => {
    const refusal = protocolError({
      message: 'Cluster authorization failed',
      type: 'CLUSTER_AUTHORIZATION_FAILED',
      code: 31,
      retriable: false,
    });
    const kafka = fakeKafka(() => Promise.reject(refusal));
    const t = transport({ idempotent: false }, kafka);
    // Without idempotence the same error is an ordinary rejection: not retried, no new producer.
    expect(await t.send(batchOf(1))).toMatchObject({ ok: false, retryable: false });
    expect(kafka.configs.map((config) => config?.idempotent)).toEqual([false]);
    await t.shutdown(100);
  });
});

describe('gzip codec path', () => {
  // kafkajs keeps its record-batch encoder/decoder internal; these are the ones its producer and
  // consumer use for CompressionTypes.GZIP.
  const require = createRequire(import.meta.url);
  const kafkajsRoot = require.resolve('kafkajs').replace(/index\.js$/, '');
  type Encoded = { buffer: Buffer };
  const { RecordBatch } = require(`${kafkajsRoot}src/protocol/recordBatch/v0/index.js`) as {
    RecordBatch: (batch: object) => Promise<Encoded>;
  };
  const Record = require(`${kafkajsRoot}src/protocol/recordBatch/record/v0/index.js`) as (
    record: object,
  ) => Encoded;
  const Decoder = require(`${kafkajsRoot}src/protocol/decoder.js`) as new (
    buffer: Buffer,
  ) => object;
  const decodeBatch = require(`${kafkajsRoot}src/protocol/recordBatch/v0/decoder.js`) as (
    decoder: object,
  ) => Promise<{
    records: Array<{ key: Buffer | null; value: Buffer; headers: Record<string, Buffer> }>;
  }>;

  async function roundTrip(messages: KafkaMessage[], compression: number) {
    const records = messages.map((message, offsetDelta) => Record({ ...message, offsetDelta }));
    const encoded = await RecordBatch({
      compression,
      records,
      lastOffsetDelta: records.length - 1,
    });
    const decoded = await decodeBatch(new Decoder(encoded.buffer));
    return { bytes: encoded.buffer.length, records: decoded.records };
  }

  it('encodes our messages into a GZIP record batch that decodes back to the same records', async () => {
    const messages =
      encodeBatch(
        batchOf(50),
        resolveKafkaOptions({ brokers: ['k:9092'] }, {}).topics,
        1e6,
      ).topics.get('driftwatch.predictions') ?? [];
    expect(messages).toHaveLength(50);
    const gzip = await roundTrip(messages, CompressionTypes.GZIP);
    const none = await roundTrip(messages, CompressionTypes.None);
    expect(gzip.bytes).toBeLessThan(none.bytes / 4);
    for (const decoded of [gzip.records, none.records]) {
      expect(
        decoded.map((r) => ({
          key: r.key?.toString() ?? null,
          value: r.value.toString(),
          headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])),
        })),
      ).toEqual(messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })));
    }
  });
});
