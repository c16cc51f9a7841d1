/**
 * A topic the broker (Mokapi) does not have, as after a typo in DRIFTWATCH_KAFKA_TOPIC_LOGS (the
 * producer never creates topics): the failure names the topic and the option that set it, and the
 * transport is not ready while the broker refuses its batches, although it connects well; the
 * next delivered batch makes it ready again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogRecord, PredictionEvent } from '@driftwatch/schema';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';
import { silentLogger } from './silent-logger.js';

const run = `dw-refusal-${process.pid}`;
const KNOWN = `${run}.predictions`;
const MISSING = `${run}.logz`;
let mokapi: Mokapi;
let transport: Transport;

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
    { logger: silentLogger },
  );
}, 30_000);

afterAll(async () => {
  await transport.shutdown(1000);
  await mokapi.stop();
});

const log: LogRecord = { timeUnixNano: '1', severityNumber: 9, severityText: 'INFO', body: 'x' };

it('names the missing topic and the option that set it', async () => {
  const result = await transport.send({ ...empty(), logs: [log] });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.retryable).toBe(true);
  expect(result.error.message).toContain(`topic "${MISSING}" (transport.topics.logs)`);
  expect(result.error.message).toContain('does not exist');
});

const prediction = (id: string): PredictionEvent => ({
  predictionId: id,
  model: 'risk',
  modelVersion: '1',
  timeUnixMs: 1_700_000_000_000,
  features: { income: 1 },
  prediction: 1,
});

it('is not ready while the broker refuses its batches, and ready once one is delivered', async () => {
  expect(await transport.send({ ...empty(), predictions: [prediction('r-1')] })).toEqual({
    ok: true,
  });
  expect(transport.isReady()).toBe(true);
  expect((await transport.send({ ...empty(), logs: [log] })).ok).toBe(false);
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
