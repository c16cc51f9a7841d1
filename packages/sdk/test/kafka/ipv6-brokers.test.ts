/**
 * A bracketed IPv6 seed broker (`[::1]:9092`), which the options accept, reaches the broker:
 * kafkajs alone reads it as host `[` and port 0. The broker (Mokapi) listens on 127.0.0.1, so a
 * TCP relay on ::1 stands for an IPv6 listener; the broker's metadata then names 127.0.0.1.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { createKafkaTransport } from '../../src/transport/kafka-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { readTopics } from './consume.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';
import { silentLogger } from './silent-logger.js';
import { startTcpRelay, type TcpRelay } from '../../../../test/helpers/net.js';

const TOPIC = `dw-ipv6-${process.pid}.predictions`;
let mokapi: Mokapi;
let relay: TcpRelay;

beforeAll(async () => {
  mokapi = await startMokapi({ topics: [{ name: TOPIC, signal: 'predictions' }] });
  relay = await startTcpRelay('::1', mokapi.port);
}, 30_000);

afterAll(async () => {
  await relay.close();
  await mokapi.stop();
});

it('connects to a bracketed IPv6 seed broker and delivers', async () => {
  const { port } = relay;
  const transport = createKafkaTransport(
    resolveKafkaOptions(
      { brokers: `[::1]:${port}`, topics: { predictions: TOPIC }, compression: 'none' },
      {},
    ),
    { logger: silentLogger },
  );
  const prediction: PredictionEvent = {
    predictionId: 'v6-1',
    model: 'risk',
    modelVersion: '1',
    timeUnixMs: 1_700_000_000_000,
    features: { income: 1 },
    prediction: 1,
  };
  const batch: TelemetryBatch = {
    resource: {},
    predictions: [prediction],
    labels: [],
    logs: [],
    spans: [],
    metrics: [],
  };
  try {
    const result = await transport.send(batch);
    expect(result.ok ? 'ok' : result.error.message).toBe('ok');
    expect(transport.isReady()).toBe(true);
  } finally {
    await transport.shutdown(1000);
  }
  const reader = await readTopics(mokapi.brokers, [TOPIC]);
  try {
    await reader.until((records) => records.length === 1, 15_000);
    expect(reader.of<PredictionEvent>(TOPIC)[0]?.value.predictionId).toBe('v6-1');
  } finally {
    await reader.close();
  }
});
