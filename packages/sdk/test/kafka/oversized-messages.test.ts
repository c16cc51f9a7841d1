/**
 * Items over the Kafka transport's maxMessageBytes, through the export pipeline to a real
 * Kafka-protocol broker (Mokapi): they are left out of the send and counted as dropped
 * "too_large" with a visible diagnostic, never counted as sent; the rest of each batch arrives.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import { init, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { readTopics, type TopicReader } from './consume.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';
import { freePort } from '../../../../test/helpers/net.js';

const SIGNALS = ['predictions', 'labels', 'logs', 'spans', 'metrics'] as const;
const run = `dw-oversized-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const topics = Object.fromEntries(SIGNALS.map((signal) => [signal, `${run}.${signal}`])) as Record<
  (typeof SIGNALS)[number],
  string
>;
const MAX_MESSAGE_BYTES = 1000;

let mokapi: Mokapi | undefined;
let monitor: Monitor | undefined;
let reader: TopicReader | undefined;

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: SIGNALS.map((signal) => ({ name: topics[signal], signal })),
  });
}, 60_000);

afterAll(async () => {
  await monitor?.shutdown({ timeoutMs: 2000 }).catch(() => undefined);
  await reader?.close().catch(() => undefined);
  await mokapi?.stop();
}, 30_000);

it('counts items over maxMessageBytes as dropped too_large, not sent, and says so', async () => {
  if (!mokapi) throw new Error('setup failed');
  const diagnostics = captureLogs();
  monitor = init(
    {
      serviceName: 'oversized-svc',
      // Mokapi cannot read gzip record batches (see mokapi.ts).
      transport: {
        type: 'kafka',
        brokers: mokapi.brokers,
        topics,
        compression: 'none',
        maxMessageBytes: MAX_MESSAGE_BYTES,
      },
      // Two items per batch: each batch is one item sent and one left out.
      batch: { lingerMs: 20, maxItems: 2 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: diagnostics.destination },
      metrics: { enabled: false },
      traces: { enabled: false },
    },
    {},
  );
  const target = monitor;
  const log = (predictionId: string, note: string) =>
    target.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: { income: 50_000, note },
      prediction: 1,
      predictionId,
    });
  log('small-1', 'ok');
  log('large-1', 'x'.repeat(MAX_MESSAGE_BYTES));
  log('small-2', 'ok');
  log('large-2', 'x'.repeat(MAX_MESSAGE_BYTES));
  await target.flush();

  expect(target.stats.sentItems).toBe(2);
  expect(target.stats.sentBatches).toBe(2);
  expect(target.stats.dropped.too_large).toBe(2);
  const warnings = diagnostics.lines.filter((line) => line.level === 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({
    dropped: 1,
    msg: expect.stringContaining('dropped 1 item(s) too large for the kafka destination'),
  });

  reader = await readTopics(mokapi.brokers, [topics.predictions]);
  await reader.until((records) => records.length >= 2, 20_000);
  const received = reader.of<PredictionEvent>(topics.predictions);
  expect(received.map((record) => record.value.predictionId).sort()).toEqual([
    'small-1',
    'small-2',
  ]);
}, 60_000);

it('counts items over maxMessageBytes as too_large when the rest of their batch is given up', async () => {
  if (!mokapi) throw new Error('setup failed');
  // A broker that is not there: every batch fails until its retry deadline.
  const failing = init(
    {
      serviceName: 'oversized-refused-svc',
      transport: {
        type: 'kafka',
        brokers: [`127.0.0.1:${await freePort()}`],
        topics,
        compression: 'none',
        maxMessageBytes: MAX_MESSAGE_BYTES,
        sendTimeoutMs: 1000,
      },
      batch: { lingerMs: 20, maxItems: 3 },
      retry: { deadlineMs: 1500 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
      traces: { enabled: false },
    },
    {},
  );
  try {
    for (const [predictionId, note] of [
      ['small-a', 'ok'],
      ['large-a', 'x'.repeat(MAX_MESSAGE_BYTES)],
      ['small-b', 'ok'],
    ] as const) {
      failing.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: { income: 1, note },
        prediction: 1,
        predictionId,
      });
    }
    await failing.flush();
    expect(failing.stats.sentItems).toBe(0);
    expect(failing.stats.dropped).toMatchObject({ too_large: 1, retry_exhausted: 2 });
  } finally {
    await failing.shutdown({ timeoutMs: 2000 });
  }
}, 60_000);
