/**
 * End to end through a real Kafka-protocol broker (Mokapi, validating every record against the
 * @driftwatch/schema item schemas): an instrumented Fastify app and an Express app serve
 * requests, and predictions, labels, logs, spans and metrics are read back with kafkajs and
 * checked field by field (request_id/trace_id linkage, keys, partition order, headers).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  LabelEvent,
  LogRecord,
  MetricPoint,
  PredictionEvent,
  SpanRecord,
} from '@driftwatch/schema';
import { init, type Monitor } from '@driftwatch/sdk';
import {
  buildFastifyApp,
  type FastifyApp,
  kafkaMonitorOptions,
  lineSink,
  startExpressApp,
  TOPIC_SIGNALS,
  uniqueTopics,
  type ExpressApp,
  type Features,
  type PredictAnswer,
} from './apps.js';
import { processResource } from '../support/process-resource.js';
import { readTopics, type ConsumedRecord, type TopicReader } from './consume.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';

const topics = uniqueTopics('apps');
const APPS = ['fastify', 'express'] as const;
type AppName = (typeof APPS)[number];
const serviceOf = (app: AppName) => `it-${app}`;
/** The models `drive` predicts with. */
const MODELS = ['risk', 'fraud'] as const;

interface SentPrediction {
  readonly requestId: string;
  readonly model: string;
  readonly seq: number;
  readonly features: Features;
  readonly answer: PredictAnswer;
  readonly traceparent?: { traceId: string; parentSpanId: string };
}

interface AppRun {
  monitor: Monitor;
  url: string;
  logLines: string[];
  diagnostics: string[];
  predictions: SentPrediction[];
  labels: Array<{ predictionId: string; model: string; label: number; requestId: string }>;
  requests: number;
}

let mokapi: Mokapi | undefined;
let reader: TopicReader | undefined;
let fastify: FastifyApp | undefined;
let expressApp: ExpressApp | undefined;
const runs = new Map<AppName, AppRun>();

async function post(
  run: AppRun,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${run.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  run.requests += 1;
  expect(response.status).toBeLessThan(300);
  const requestId = response.headers.get('x-request-id') ?? '';
  const text = await response.text();
  return { requestId, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Sequential requests (so a model's order is defined), one with an incoming traceparent. */
async function drive(app: AppName, run: AppRun): Promise<void> {
  const plan = [
    ...Array.from({ length: 6 }, (_, seq) => ({ model: 'risk', seq })),
    { model: 'fraud', seq: 0 },
    { model: 'fraud', seq: 1 },
  ];
  for (const [index, { model, seq }] of plan.entries()) {
    const features: Features = {
      income: 40_000 + 5_000 * index,
      seq,
      region: index % 2 ? 'eu' : 'us',
      employed: index % 3 !== 0,
      debt: index === 2 ? null : 100 * index,
    };
    const requestId = `${app}-req-${index}`;
    const { requestId: echoed, body } = await post(
      run,
      `/predict/${model}`,
      { features },
      { 'x-request-id': requestId },
    );
    expect(echoed).toBe(requestId);
    run.predictions.push({ requestId, model, seq, features, answer: body as PredictAnswer });
  }
  // An incoming W3C trace and no x-request-id: the SDK continues the trace and makes an id.
  const traceparent = {
    traceId: 'aa'.repeat(8) + (app === 'fastify' ? '01' : '02').repeat(8),
    parentSpanId: 'b1'.repeat(8),
  };
  const features: Features = { income: 90_000, seq: 6, region: 'eu', employed: true, debt: 0 };
  const { requestId, body } = await post(
    run,
    '/predict/risk',
    { features },
    {
      traceparent: `00-${traceparent.traceId}-${traceparent.parentSpanId}-01`,
    },
  );
  expect(requestId).toMatch(/^[\w-]{8,}$/);
  run.predictions.push({
    requestId,
    model: 'risk',
    seq: 6,
    features,
    answer: body as PredictAnswer,
    traceparent,
  });

  for (const [index, sent] of run.predictions.slice(0, 3).entries()) {
    const label = index % 2;
    const { requestId: labelRequestId } = await post(run, '/label', {
      predictionId: sent.answer.predictionId,
      model: sent.model,
      label,
    });
    run.labels.push({
      predictionId: sent.answer.predictionId,
      model: sent.model,
      label,
      requestId: labelRequestId,
    });
  }
}

function resourceService(record: ConsumedRecord): unknown {
  return (record.value.resource as Record<string, string> | undefined)?.['service.name'];
}
function recordsOf<T>(
  signal: (typeof TOPIC_SIGNALS)[number],
  app: AppName,
): Array<ConsumedRecord<T>> {
  const all = reader?.of<T>(topics[signal]) ?? [];
  if (signal === 'predictions')
    return all.filter((r) => (r.value as { serviceName?: string }).serviceName === serviceOf(app));
  if (signal === 'labels') {
    const ids = new Set(runs.get(app)?.labels.map((l) => l.predictionId));
    return all.filter((r) => ids.has((r.value as { predictionId: string }).predictionId));
  }
  return all.filter((r) => resourceService(r as ConsumedRecord) === serviceOf(app));
}

function complete(app: AppName): boolean {
  const run = runs.get(app);
  if (!run) return false;
  const spans = recordsOf<SpanRecord>('spans', app);
  const logs = recordsOf<LogRecord>('logs', app);
  return (
    recordsOf('predictions', app).length >= run.predictions.length &&
    recordsOf('labels', app).length >= run.labels.length &&
    spans.filter((s) => s.value.kind === 'SERVER').length >= run.requests &&
    logs.filter((l) => l.value.body === 'request completed').length >= run.requests &&
    hasEveryMetric(app)
  );
}

/**
 * One export's points are keyed by metric name, so they land on different partitions and the
 * reader can hold some before the rest: wait for every series the metrics test reads.
 */
function hasEveryMetric(app: AppName): boolean {
  const points = recordsOf<MetricPoint>('metrics', app).map((m) => m.value);
  const has = (name: string, match: (p: MetricPoint) => boolean = () => true) =>
    points.some((p) => p.name === name && match(p));
  return (
    has('http.server.request.duration') &&
    has('driftwatch_sdk_dropped', (p) => p.attributes?.reason === 'queue_full') &&
    MODELS.every(
      (model) =>
        has('driftwatch.model.predictions', (p) => p.attributes?.model === model) &&
        has('driftwatch.model.score', (p) => p.attributes?.model === model),
    )
  );
}

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: TOPIC_SIGNALS.map((signal) => ({ name: topics[signal], signal })),
  });
  for (const app of APPS) {
    const logLines: string[] = [];
    const diagnostics: string[] = [];
    const monitor = init(
      kafkaMonitorOptions(serviceOf(app), mokapi.brokers, topics, {
        logs: { destination: lineSink(logLines) },
        diagnostics: { destination: lineSink(diagnostics) },
      }),
      {},
    );
    let url: string;
    if (app === 'fastify') {
      fastify = await buildFastifyApp(monitor);
      url = await fastify.listen({ port: 0, host: '127.0.0.1' });
    } else {
      expressApp = await startExpressApp(monitor);
      url = expressApp.url;
    }
    runs.set(app, {
      monitor,
      url,
      logLines,
      diagnostics,
      predictions: [],
      labels: [],
      requests: 0,
    });
  }
  for (const app of APPS) await drive(app, runs.get(app) as AppRun);

  reader = await readTopics(mokapi.brokers, Object.values(topics));
  const flushAll = async () => {
    await Promise.all([...runs.values()].map((run) => run.monitor.flush()));
  };
  // Flushed by the wait itself, beside its checks (consume.ts).
  await reader
    .until(() => APPS.every(complete), 45_000, flushAll)
    .catch((error: unknown) => {
      // What the SDK itself saw helps more than the counts alone.
      for (const [app, run] of runs)
        console.error(app, JSON.stringify(run.monitor.stats), run.diagnostics.slice(0, 3).join(''));
      if (mokapi)
        console.error(
          readFileSync(mokapi.logFile, 'utf8')
            .split('\n')
            .filter((l) => l.includes('level=error'))
            .slice(0, 6)
            .join('\n'),
        );
      throw error;
    });
}, 90_000);

afterAll(async () => {
  await fastify?.close().catch(() => undefined);
  await expressApp?.close().catch(() => undefined);
  for (const run of runs.values())
    await run.monitor.shutdown({ timeoutMs: 2000 }).catch(() => undefined);
  await reader?.close().catch(() => undefined);
  await mokapi?.stop();
}, 30_000);

describe.each(APPS)('%s app → Kafka', (app) => {
  const run = () => runs.get(app) as AppRun;
  const service = serviceOf(app);
  // The apps run in this process: its host and pid, and one instance id per monitor.
  const resource = {
    'service.name': service,
    'service.version': '1.2.3',
    'deployment.environment.name': 'it',
    'telemetry.sdk.name': '@driftwatch/sdk',
    ...processResource(),
  };
  const completedLog = (requestId: string) =>
    recordsOf<LogRecord>('logs', app).find(
      (r) => r.value.body === 'request completed' && r.value.attributes?.request_id === requestId,
    );

  it('delivered everything without drops or export errors', () => {
    const { stats } = run().monitor;
    expect(Object.values(stats.dropped).every((count) => count === 0)).toBe(true);
    expect(stats.exportErrors).toBe(0);
    expect(stats.sentItems).toBeGreaterThan(run().predictions.length);
  });

  it('every record carries the schema version, signal and content-type headers', () => {
    for (const signal of TOPIC_SIGNALS) {
      const records = recordsOf(signal, app);
      expect(records.length, signal).toBeGreaterThan(0);
      for (const record of records) {
        expect(record.headers).toEqual({
          'dw-schema-version': '1',
          'dw-signal': signal,
          'content-type': 'application/json',
        });
      }
    }
  });

  it('predictions arrive field by field, keyed by model, linked to the request and its predict span', () => {
    const records = recordsOf<PredictionEvent>('predictions', app);
    expect(records).toHaveLength(run().predictions.length);
    const spans = recordsOf<SpanRecord>('spans', app);
    for (const sent of run().predictions) {
      const record = records.find((r) => r.value.predictionId === sent.answer.predictionId);
      expect(record, sent.requestId).toBeDefined();
      if (!record) continue;
      expect(record.key).toBe(sent.model);
      const { timeUnixMs, traceId, spanId, ...rest } = record.value;
      expect(rest).toEqual({
        predictionId: sent.answer.predictionId,
        model: sent.model,
        modelVersion: '7',
        features: sent.features,
        prediction: sent.answer.score >= 0.5 ? 1 : 0,
        score: sent.answer.score,
        requestId: sent.requestId,
        serviceName: service,
      });
      expect(Math.abs(timeUnixMs - Date.now())).toBeLessThan(120_000);
      // The sample links to the trace of its request and to the `predict` span it was logged in.
      const completed = completedLog(sent.requestId);
      expect(completed?.value.traceId).toBe(traceId);
      const predictSpan = spans.find((s) => s.value.spanId === spanId);
      expect(predictSpan?.value).toMatchObject({
        name: 'predict',
        kind: 'INTERNAL',
        traceId,
        parentSpanId: completed?.value.spanId,
      });
      expect(predictSpan?.value.attributes).toEqual({ 'driftwatch.model': sent.model });
      if (sent.traceparent) expect(traceId).toBe(sent.traceparent.traceId);
    }
  });

  it("keeps each model's predictions on one partition, in the order they were made", () => {
    for (const model of MODELS) {
      const records = recordsOf<PredictionEvent>('predictions', app).filter(
        (r) => r.value.model === model,
      );
      expect(new Set(records.map((r) => r.partition)).size).toBe(1);
      const bySeq = [...records]
        .sort((a, b) => a.offset - b.offset)
        .map((r) => r.value.features.seq);
      const expected = run()
        .predictions.filter((p) => p.model === model)
        .map((p) => p.seq);
      expect(bySeq).toEqual(expected);
    }
  });

  it('labels arrive keyed by model, on the partition of that model’s predictions', () => {
    const records = recordsOf<LabelEvent>('labels', app);
    expect(records).toHaveLength(run().labels.length);
    const predictions = recordsOf<PredictionEvent>('predictions', app);
    for (const sent of run().labels) {
      const record = records.find((r) => r.value.predictionId === sent.predictionId);
      expect(record?.key).toBe(sent.model);
      const { timeUnixMs, ...rest } = record?.value ?? ({} as LabelEvent);
      expect(rest).toEqual({
        predictionId: sent.predictionId,
        model: sent.model,
        label: sent.label,
      });
      expect(Math.abs(timeUnixMs - Date.now())).toBeLessThan(120_000);
      expect(record?.partition).toBe(
        predictions.find((p) => p.value.model === sent.model)?.partition,
      );
    }
  });

  it('spans: one SERVER span per request with HTTP semantic conventions, keyed by trace id', () => {
    const spans = recordsOf<SpanRecord>('spans', app);
    for (const span of spans) {
      expect(span.key).toBe(span.value.traceId);
      expect(span.value.resource).toEqual(resource);
      expect(BigInt(span.value.endTimeUnixNano)).toBeGreaterThanOrEqual(
        BigInt(span.value.startTimeUnixNano),
      );
    }
    const server = spans.filter((s) => s.value.kind === 'SERVER');
    expect(server).toHaveLength(run().requests);
    for (const sent of run().predictions) {
      const completed = completedLog(sent.requestId);
      const span = server.find((s) => s.value.spanId === completed?.value.spanId);
      expect(span?.value.traceId).toBe(completed?.value.traceId);
      expect(span?.value.name).toBe('POST /predict/:model');
      expect(span?.value.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/predict/:model',
        'http.response.status_code': 200,
        'url.path': `/predict/${sent.model}`,
      });
      if (sent.traceparent) {
        expect(span?.value.traceId).toBe(sent.traceparent.traceId);
        expect(span?.value.parentSpanId).toBe(sent.traceparent.parentSpanId);
      } else {
        expect(span?.value.parentSpanId).toBeUndefined();
      }
    }
    const labelSpans = server.filter((s) => s.value.name === 'POST /label');
    expect(labelSpans.map((s) => s.value.attributes?.['http.response.status_code'])).toEqual(
      run().labels.map(() => 204),
    );
  });

  it('logs: every line the app wrote is exported as an OTel log record with request_id and trace_id', () => {
    const logs = recordsOf<LogRecord>('logs', app);
    expect(logs).toHaveLength(run().logLines.length);
    for (const record of logs) {
      expect(record.value.resource).toEqual(resource);
      expect(record.key).toBe(record.value.traceId ?? null);
    }
    for (const sent of run().predictions) {
      const lines = logs.filter((r) => r.value.attributes?.request_id === sent.requestId);
      expect(lines.map((r) => r.value.body).sort()).toEqual(['request completed', 'scoring']);
      const completed = completedLog(sent.requestId);
      for (const line of lines) {
        expect(line.value).toMatchObject({
          severityNumber: 9,
          severityText: 'INFO',
          traceId: completed?.value.traceId,
          spanId: completed?.value.spanId,
        });
        expect(line.value.timeUnixNano).toMatch(/^\d{19}$/);
      }
      expect(lines.find((r) => r.value.body === 'scoring')?.value.attributes?.model).toBe(
        sent.model,
      );
      expect(completed?.value.attributes).toMatchObject({
        'req.method': 'POST',
        'req.url': `/predict/${sent.model}`,
        'req.route': '/predict/:model',
        'res.statusCode': 200,
        environment: 'it',
      });
    }
  });

  it('metrics: the HTTP duration histogram and model counters, keyed by metric name', () => {
    const metrics = recordsOf<MetricPoint>('metrics', app);
    for (const point of metrics) {
      expect(point.key).toBe(point.value.name);
      expect(point.value.resource).toEqual(resource);
    }
    const latest = (name: string, match: (p: MetricPoint) => boolean) =>
      metrics
        .map((m) => m.value)
        .filter((p) => p.name === name && match(p))
        .sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1))
        .at(-1);
    const predictDuration = latest(
      'http.server.request.duration',
      (p) => p.attributes?.['http.route'] === '/predict/:model',
    );
    expect(predictDuration).toMatchObject({
      type: 'histogram',
      unit: 's',
      count: run().predictions.length,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        'http.route': '/predict/:model',
      },
    });
    if (predictDuration?.type === 'histogram') {
      expect(predictDuration.bucketCounts.reduce((a, b) => a + b, 0)).toBe(
        run().predictions.length,
      );
      expect(predictDuration.explicitBounds[0]).toBe(0.005);
    }
    for (const model of MODELS) {
      const count = run().predictions.filter((p) => p.model === model).length;
      expect(
        latest('driftwatch.model.predictions', (p) => p.attributes?.model === model),
      ).toMatchObject({
        type: 'sum',
        monotonic: true,
        value: count,
        attributes: { model, model_version: '7' },
      });
      expect(latest('driftwatch.model.score', (p) => p.attributes?.model === model)).toMatchObject({
        type: 'histogram',
        count,
      });
    }
    expect(
      latest('driftwatch_sdk_dropped', (p) => p.attributes?.reason === 'queue_full'),
    ).toMatchObject({ type: 'sum', value: 0 });
  });

  it('/health and /readiness report the Kafka transport as connected', async () => {
    const health = await fetch(`${run().url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const readiness = await fetch(`${run().url}/readiness`);
    expect(readiness.status).toBe(200);
    expect(JSON.stringify(await readiness.json())).toContain('transport');
  });
});
