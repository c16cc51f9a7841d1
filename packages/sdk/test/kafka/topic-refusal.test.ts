/**
 * A topic the broker (Mokapi) does not have, as after a typo in DRIFTWATCH_KAFKA_TOPIC_LOGS (the
 * producer never creates topics): its records are left out of the batch as rejected, with a
 * warning naming the topic and the option that set it, while the batch's other topics are sent
 * (one missing topic must not cost the others: kafkajs fails a whole request over one unknown
 * topic, and retrying the batch would hold every later one back). The transport is not ready
 * while the broker refuses a topic, although it connects well; a batch delivered whole makes it
 * ready again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { LogRecord, PredictionEvent } from '@driftwatch/schema';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';
import { readTopics, type TopicReader } from './consume.js';
import { silentLogger } from './silent-logger.js';

const run = `dw-refusal-${process.pid}`;
const KNOWN = `${run}.predictions`;
const MISSING = `${run}.logz`;
let mokapi: Mokapi;
let transport: Transport;
let reader: TopicReader;
const warnings: string[] = [];

const empty = (): TelemetryBatch => ({
  resource: { 'service.name': 'svc' },
  predictions: [],
  labels: [],
  logs: [],
  spans: [],
  metrics: [],
});

beforeAll(async () => {
  mokapi = await startMokapi({ topics: [{ name: KNOWN, signal: 'predictions' }] });
  transport = createKafkaTransport(
    resolveKafkaOptions(
      {
        brokers: mokapi.brokers,
        topics: { predictions: KNOWN, logs: MISSING },
        compression: 'none',
        sendTimeoutMs: 3000,
      },
      {},
    ),
    { logger: { ...silentLogger, warn: (message: string) => warnings.push(message) } },
  );
  reader = await readTopics(mokapi.brokers, [KNOWN]);
}, 30_000);

beforeEach(() => {
  warnings.length = 0;
});

afterAll(async () => {
  await reader?.close();
  await transport.shutdown(1000);
  await mokapi.stop();
});

const log: LogRecord = { timeUnixNano: '1', severityNumber: 9, severityText: 'INFO', body: 'x' };

const prediction = (id: string): PredictionEvent => ({
  predictionId: id,
  model: 'risk',
  modelVersion: '1',
  timeUnixMs: 1_700_000_000_000,
  features: { income: 1 },
  prediction: 1,
});

it('sends the other topics of the batch and leaves the missing one out as rejected, named', async () => {
  const result = await transport.send({
    ...empty(),
    predictions: [prediction('m-1'), prediction('m-2')],
    logs: [log, log, log],
  });
  expect(result).toEqual({ ok: true, rejectedUnlisted: 3 });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(`topic "${MISSING}" (transport.topics.logs)`);
  expect(warnings[0]).toContain('does not exist');
  expect(warnings[0]).not.toContain(`topic "${KNOWN}"`);
  await reader.until(
    (records) => records.filter((record) => record.topic === KNOWN).length >= 2,
    15_000,
  );
  expect(reader.of<PredictionEvent>(KNOWN).map((record) => record.value.predictionId)).toEqual([
    'm-1',
    'm-2',
  ]);
});

it('is not ready while the broker refuses a topic, and ready once a batch is delivered whole', async () => {
  expect(await transport.send({ ...empty(), predictions: [prediction('r-1')] })).toEqual({
    ok: true,
  });
  expect(transport.isReady()).toBe(true);
  expect(await transport.send({ ...empty(), logs: [log] })).toEqual({
    ok: true,
    rejectedUnlisted: 1,
  });
  // Said at most once a minute: the first test's warning covers this one.
  expect(warnings).toEqual([]);
  // Readiness is asked as a probe would: the transport reconnects meanwhile (once a second),
  // which must not make it ready while the broker refuses what it sends.
  const seen: boolean[] = [];
  for (let probe = 0; probe < 25; probe += 1) {
    seen.push(transport.isReady());
    await sleep(100);
  }
  expect(seen.filter(Boolean)).toEqual([]);

  expect(await transport.send({ ...empty(), predictions: [prediction('r-2')] })).toEqual({
    ok: true,
  });
  expect(transport.isReady()).toBe(true);
});
