/**
 * The Kafka transport when a send fails without a broker: a request the broker refuses as too
 * large (sent again in halves, through a fresh producer when idempotent), a send the pipeline
 * aborts at its deadline or for shutdown, and kafkajs never answering within sendTimeoutMs.
 */
import { describe, expect, it, vi } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { SendDeadlineError } from '../../src/pipeline/send-attempt.js';
import {
  batchOf,
  fakeKafka,
  idsOf,
  KafkaJSNonRetriableError,
  prediction,
  protocolError,
  transport,
} from './fake-kafka.js';

describe('kafka transport send failures', () => {
  it('sends a batch the broker refuses as too large in smaller requests, leaving out only a record alone over its limit', async () => {
    // A broker (or topic) whose message size limit is below maxMessageBytes and maxRequestBytes
    // (Mokapi has none): kafkajs fails the whole request with MESSAGE_TOO_LARGE, not retried.
    const brokerLimitBytes = 1500;
    // As kafkajs's retrier wraps a non-retriable error: the protocol error is also the cause.
    const tooLarge = () => {
      const refusal = protocolError({
        message: 'The request included a message larger than the max message size',
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
      });
      return new KafkaJSNonRetriableError(refusal, { cause: refusal });
    };
    const kafka = fakeKafka((request) => {
      const messages = request.topicMessages?.flatMap((t) => t.messages) ?? [];
      const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(String(m.value)), 0);
      return bytes > brokerLimitBytes ? Promise.reject(tooLarge()) : Promise.resolve();
    });
    const options = resolveOptions(
      {
        batch: { lingerMs: 10 },
        retry: { initialBackoffMs: 10, maxBackoffMs: 20, deadlineMs: 2000 },
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
    pipeline.setTransport(transport({ compression: 'none' }, kafka));
    const events = batchOf(8).predictions;
    // Under maxMessageBytes (1 MB), over what this broker takes.
    events[5] = { ...prediction(5), features: { note: 'x'.repeat(2000) } };
    for (const event of events) pipeline.enqueue('predictions', event, 300);
    await pipeline.flush();
    expect(pipeline.stats.dropped).toMatchObject({ too_large: 1, send_failed: 0 });
    expect(pipeline.stats.sentItems).toBe(7);
    // Every other record is in Kafka once, in order.
    const written = kafka.sent.filter((s) => {
      const messages = s.request.topicMessages?.flatMap((t) => t.messages) ?? [];
      return (
        messages.reduce((sum, m) => sum + Buffer.byteLength(String(m.value)), 0) <= brokerLimitBytes
      );
    });
    expect(written.flatMap((s) => idsOf(s.request))).toEqual(
      events.filter((_, n) => n !== 5).map((p) => p.predictionId),
    );
    // Each refusal hands the rest to a fresh (idempotent) producer: the records a refused request
    // put on other partitions were written, and the old producer's sequence numbers for them
    // would be out of order.
    const refusals = kafka.sent.length - written.length;
    expect(refusals).toBeGreaterThan(0);
    expect(kafka.producers()).toBe(1 + refusals);
    expect(kafka.disconnected).toHaveLength(refusals);
    for (let n = 1; n < kafka.sent.length; n += 1) {
      const previousRefused = !written.includes(kafka.sent[n - 1]!);
      expect(kafka.sent[n]!.producer).toBe(kafka.sent[n - 1]!.producer + (previousRefused ? 1 : 0));
    }
    // Later batches are planned under half the refused size: nothing refused again.
    const before = kafka.sent.length;
    for (const event of batchOf(8).predictions) pipeline.enqueue('predictions', event, 300);
    await pipeline.flush();
    const later = kafka.sent.slice(before);
    expect(later.length).toBeGreaterThan(1);
    for (const { request } of later) {
      const messages = request.topicMessages?.flatMap((t) => t.messages) ?? [];
      expect(
        messages.reduce((sum, m) => sum + Buffer.byteLength(String(m.value)), 0),
      ).toBeLessThanOrEqual(brokerLimitBytes);
    }
    expect(pipeline.stats.sentItems).toBe(15);
    await pipeline.shutdown(100);
  });

  it('keeps its producer on a too-large refusal when it is not idempotent', async () => {
    const kafka = fakeKafka((request) =>
      (request.topicMessages?.[0]?.messages.length ?? 0) > 2
        ? Promise.reject(
            protocolError({
              message: 'The request included a message larger than the max message size',
              type: 'MESSAGE_TOO_LARGE',
              code: 10,
              retriable: false,
            }),
          )
        : Promise.resolve(),
    );
    const t = transport({ compression: 'none', idempotent: false }, kafka);
    expect(await t.send(batchOf(8))).toEqual({ ok: true });
    expect(kafka.producers()).toBe(1);
    expect(
      kafka.sent.filter((s) => idsOf(s.request).length <= 2).flatMap((s) => idsOf(s.request)),
    ).toEqual(batchOf(8).predictions.map((p) => p.predictionId));
    await t.shutdown(100);
  });

  it('replaces a producer whose send the pipeline aborted at its deadline (a hung broker)', async () => {
    // The first producer hangs; a fresh one answers.
    const kafka = fakeKafka((_request, producerIndex) =>
      producerIndex === 0 ? new Promise(() => undefined) : Promise.resolve(),
    );
    const t = transport({ sendTimeoutMs: 60_000 }, kafka);
    const deadline = new AbortController();
    const sending = t.send(batchOf(1), deadline.signal);
    await vi.waitFor(() => expect(kafka.sent).toHaveLength(1));
    deadline.abort(new SendDeadlineError('no answer within retry.deadlineMs (300 ms)'));
    expect(await sending).toMatchObject({ ok: false, retryable: true });
    expect(kafka.disconnected).toEqual([0]);
    expect(await t.send(batchOf(1))).toEqual({ ok: true });
    expect(kafka.sent.map((s) => s.producer)).toEqual([0, 1]);
    await t.shutdown(50);
  });

  it('leaves the producer of a send aborted for shutdown to shutdown()', async () => {
    const kafka = fakeKafka(() => new Promise(() => undefined));
    const t = transport({ sendTimeoutMs: 60_000 }, kafka);
    const stopping = new AbortController();
    const sending = t.send(batchOf(1), stopping.signal);
    await vi.waitFor(() => expect(kafka.sent).toHaveLength(1));
    stopping.abort();
    expect(await sending).toMatchObject({ ok: false, retryable: true });
    expect(kafka.disconnected).toEqual([]);
    await t.shutdown(50);
    expect(kafka.disconnected).toEqual([0]);
  });

  it('gives up a send at sendTimeoutMs (retryable) and never rejects', async () => {
    const kafka = fakeKafka(() => new Promise(() => undefined));
    const t = transport({ sendTimeoutMs: 50 }, kafka);
    const started = Date.now();
    const result = await t.send(batchOf(1));
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(Date.now() - started).toBeLessThan(5000);
    await t.shutdown(50);
    expect(await t.send(batchOf(1))).toMatchObject({ ok: false, retryable: false });
  });
});
