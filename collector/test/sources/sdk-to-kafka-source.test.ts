/**
 * The SDK's real Kafka transport → Mokapi (a real Kafka-protocol broker) → the collector's Kafka
 * source → embedded ClickHouse: predictions, labels, logs and spans arrive, field by field, and
 * /readiness reports the source as joined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Monitor } from '@driftwatch/sdk';
import { startMokapi, type Mokapi } from '../../../test/helpers/mokapi.js';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { brokerTopics, readiness, uniqueTopics, waitFor } from '../helpers/kafka-fixture.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

const { topics, dlq, run } = uniqueTopics('sdk');
let mokapi: Mokapi;
let temp: Awaited<ReturnType<typeof openTempStorage>>;
let collector: CollectorApp;
let monitor: Monitor;

/** Rows of a Driftwatch table, `{t}` standing for its qualified name. */
async function rows<T>(table: string, sql: string): Promise<T[]> {
  const query = sql.replace('{t}', temp.storage.table(table));
  return (await temp.storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
}

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: brokerTopics([topics], { dlq }),
  });
  temp = await openTempStorage('dw_kafka_sdk');
  collector = await buildApp({
    storageInstance: temp.storage,
    logLevel: 'silent',
    kafka: { brokers: mokapi.brokers, topics, deadLetterTopic: dlq, groupId: `${run}-collector` },
  });
  const silent = { write: () => undefined };
  monitor = init({
    serviceName: 'scoring-api',
    serviceVersion: '4.2.0',
    environment: 'it',
    // Mokapi 0.52 limits (test/helpers/mokapi.ts): no gzip, one record per produce request.
    transport: { type: 'kafka', brokers: mokapi.brokers, topics, compression: 'none' },
    batch: { lingerMs: 20, maxItems: 1 },
    metrics: { serve: false, exportIntervalMs: 600_000, gpu: { enabled: false } },
    logs: { destination: silent },
    diagnostics: { destination: silent },
  });
});

afterAll(async () => {
  await monitor?.shutdown({ timeoutMs: 5000 });
  await collector?.app.close();
  await temp?.dispose();
  await mokapi?.stop();
});

describe('Kafka source fed by the SDK', () => {
  it('stores what the SDK produced, field by field', async () => {
    let traceId = '';
    let spanId = '';
    const predictionId = monitor.span('score-applicant', (span) => {
      traceId = span.spanContext().traceId;
      spanId = span.spanContext().spanId;
      monitor.logger.info({ applicant: 'a-17' }, 'scored applicant');
      return monitor.logPrediction({
        model: 'credit-risk',
        modelVersion: '3.1',
        features: { income: 52000.5, region: 'north', employer: null },
        prediction: 1,
        score: 0.83,
        predictionId: `${run}-p1`,
      });
    });
    monitor.logLabel(predictionId, 0, { model: 'credit-risk' });
    await monitor.flush();

    await waitFor(
      'rows of every signal',
      async () => [
        await count(temp.storage, 'predictions'),
        await count(temp.storage, 'labels'),
        await count(temp.storage, 'otel_logs', `Body = 'scored applicant'`),
        await count(temp.storage, 'otel_traces', `SpanName = 'score-applicant'`),
      ],
      (counts) => counts.every((n) => n >= 1),
    );

    const [prediction, ...morePredictions] = await rows<Record<string, unknown>>(
      'predictions',
      'SELECT * EXCEPT inserted_at FROM {t}',
    );
    expect(morePredictions).toEqual([]);
    expect(prediction).toEqual({
      prediction_id: `${run}-p1`,
      model: 'credit-risk',
      model_version: '3.1',
      timestamp: expect.any(String),
      num_features: { income: 52000.5 },
      cat_features: { region: 'north' },
      missing_features: ['employer'],
      prediction: '1',
      prediction_num: 1,
      score: 0.83,
      segment: '',
      request_id: '',
      trace_id: traceId,
      span_id: spanId,
      service_name: 'scoring-api',
    });

    const labels = await rows<Record<string, unknown>>(
      'labels',
      'SELECT * EXCEPT inserted_at FROM {t}',
    );
    expect(labels).toEqual([
      {
        prediction_id: `${run}-p1`,
        model: 'credit-risk',
        label: '0',
        label_num: 0,
        timestamp: expect.any(String),
      },
    ]);

    const [log] = await rows<Record<string, unknown>>(
      'otel_logs',
      `SELECT TraceId, SpanId, SeverityText, SeverityNumber, ServiceName, Body, ResourceAttributes, LogAttributes FROM {t} WHERE Body = 'scored applicant'`,
    );
    expect(log).toMatchObject({
      TraceId: traceId,
      SpanId: spanId,
      SeverityText: 'INFO',
      SeverityNumber: 9,
      ServiceName: 'scoring-api',
      Body: 'scored applicant',
      ResourceAttributes: expect.objectContaining({
        'service.name': 'scoring-api',
        'service.version': '4.2.0',
      }),
      LogAttributes: expect.objectContaining({ applicant: 'a-17' }),
    });

    const [span] = await rows<Record<string, unknown>>(
      'otel_traces',
      `SELECT TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, StatusCode, Duration > 0 AS timed FROM {t} WHERE SpanName = 'score-applicant'`,
    );
    expect(span).toMatchObject({
      TraceId: traceId,
      SpanId: spanId,
      ParentSpanId: '',
      SpanName: 'score-applicant',
      SpanKind: 'Internal',
      ServiceName: 'scoring-api',
      ResourceAttributes: expect.objectContaining({ 'service.name': 'scoring-api' }),
      StatusCode: expect.stringMatching(/^(Unset|Ok)$/),
    });
  });

  it('reports the joined source on /readiness', async () => {
    const answer = await readiness(collector);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      status: 'ready',
      sources: {
        kafka: { state: 'joined', groupId: `${run}-collector`, topics: Object.values(topics) },
      },
    });
    expect(answer.json().sources.kafka.partitions).toBeGreaterThan(0);
  });
});
