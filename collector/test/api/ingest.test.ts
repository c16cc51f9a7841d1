import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';
import { label, logRecord, metricPoint, prediction, spanRecord } from '../helpers/events.js';

describe('POST /v1/ingest (HTTP source → validation → chDB)', () => {
  let collector: CollectorApp;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const temp = await openTempStorage('dw_ingest');
    dispose = temp.dispose;
    collector = await buildApp({
      storageInstance: temp.storage,
      logLevel: 'silent',
      ingestToken: 'secret-token',
    });
  });
  afterAll(async () => {
    await collector.app.close();
    await dispose();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    collector.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer secret-token',
        ...headers,
      },
      payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });

  it('stores every signal of a valid batch and answers 202', async () => {
    const p = prediction({ predictionId: 'valid-1' });
    const response = await post({
      resource: { 'service.name': 'credit-risk-api' },
      predictions: [p],
      labels: [label('valid-1', 1)],
      logs: [logRecord],
      spans: [spanRecord],
      metrics: [metricPoint],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      accepted: { predictions: 1, labels: 1, logs: 1, spans: 1, metrics: 1 },
      rejected: [],
      rejectedTotal: 0,
    });
    const { storage } = collector;
    const rows = await storage.client.query({
      query: `SELECT num_features, cat_features, missing_features, score, prediction_num, service_name FROM ${storage.table('predictions')} WHERE prediction_id = 'valid-1'`,
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([
      {
        num_features: { age: 41, income: 52000.5 },
        cat_features: { region: 'north', has_mortgage: 'true' },
        missing_features: ['employer'],
        score: 0.81,
        prediction_num: 1,
        service_name: 'credit-risk-api',
      },
    ]);
    expect(await count(storage, 'labels', "prediction_id = 'valid-1' AND label_num = 1")).toBe(1);
    expect(
      await count(
        storage,
        'otel_logs',
        "TraceId = '0af7651916cd43dd8448eb211c80319c' AND ServiceName = 'credit-risk-api'",
      ),
    ).toBe(1);
    expect(await count(storage, 'otel_traces', 'Duration = 2500000')).toBe(1);
    expect(await count(storage, 'otel_metrics', "MetricType = 'histogram' AND Count = 3")).toBe(1);
  });

  it('accepts the valid items of a mixed batch and names the field of each rejected one', async () => {
    const good = prediction({ predictionId: 'mixed-good' });
    const badFeature = {
      ...prediction({ predictionId: 'mixed-bad-1' }),
      features: { age: { nested: true } },
    };
    const missingModel: Record<string, unknown> = {
      ...prediction({ predictionId: 'mixed-bad-2' }),
    };
    delete missingModel.model;
    const response = await post({
      predictions: [good, badFeature, missingModel],
      labels: [{ predictionId: 'x', label: 1 }],
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted.predictions).toBe(1);
    expect(body.rejectedTotal).toBe(3);
    expect(
      body.rejected.map((r: { signal: string; index: number }) => `${r.signal}[${r.index}]`),
    ).toEqual(['predictions[1]', 'predictions[2]', 'labels[0]']);
    expect(body.rejected[0].issues[0].path).toBe('/features/age');
    expect(body.rejected[1].issues.map((i: { path: string }) => i.path)).toContain('/model');
    expect(body.rejected[2].issues.map((i: { path: string }) => i.path)).toContain('/timeUnixMs');
    expect(await count(collector.storage, 'predictions', "prediction_id = 'mixed-good'")).toBe(1);
    expect(await count(collector.storage, 'predictions', "prediction_id LIKE 'mixed-bad%'")).toBe(
      0,
    );
  });

  it('answers 400 naming the field when nothing in the batch is valid', async () => {
    const response = await post({ predictions: [{ ...prediction(), score: 'high' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('DW_COLLECTOR_BAD_EVENT');
    expect(response.json().message).toContain('/score');
  });

  it('answers 400 for a body that is not an ingest batch', async () => {
    const notJson = await post('{"predictions": [', {});
    expect(notJson.statusCode).toBe(400);
    const wrongEnvelope = await post({ predictions: 'nope', extra: 1 });
    expect(wrongEnvelope.statusCode).toBe(400);
    expect(wrongEnvelope.json().code).toBe('DW_COLLECTOR_BAD_BATCH');
  });

  it('answers every unreadable body with a stable code that says why', async () => {
    const cases: Array<[string, Parameters<typeof post>, number, RegExp]> = [
      ['invalid JSON', ['{"predictions": ['], 400, /not valid JSON/],
      ['a __proto__ member', ['{"predictions": [], "__proto__": {}}'], 400, /__proto__/],
      ['an empty body', [''], 400, /empty/],
      [
        'corrupt gzip',
        [Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }],
        400,
        /gzip/,
      ],
      [
        'truncated gzip',
        [
          gzipSync(JSON.stringify({ predictions: [prediction()] })).subarray(0, 30),
          { 'content-encoding': 'gzip' },
        ],
        400,
        /gzip/,
      ],
    ];
    for (const [name, args, status, message] of cases) {
      const response = await post(...args);
      expect({ name, status: response.statusCode, code: response.json().code }).toEqual({
        name,
        status,
        code: 'DW_COLLECTOR_BAD_BATCH',
      });
      expect(response.json().message).toMatch(message);
    }
    for (const [type, message] of [
      ['', /content-type missing; expected application\/json/],
      ['text/plain', /content-type "text\/plain"; expected application\/json/],
    ] as const) {
      const response = await post('{}', { 'content-type': type });
      expect(response.statusCode).toBe(415);
      expect(response.json().code).toBe('DW_COLLECTOR_UNSUPPORTED_MEDIA_TYPE');
      expect(response.json().message).toMatch(message);
    }
    const charset = await post(
      { predictions: [prediction()] },
      { 'content-type': 'Application/JSON; charset=utf-8' },
    );
    expect(charset.statusCode).toBe(202);
  });

  it('answers a body over maxBodyBytes 413 with a stable code', async () => {
    const response = await post({ logs: [{ ...logRecord, body: 'x'.repeat(17 * 1024 * 1024) }] });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('DW_COLLECTOR_BODY_TOO_LARGE');
  });

  it('answers an unreadable analysis request with its own stable code', async () => {
    const response = await collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{"model": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('DW_COLLECTOR_BAD_ANALYSIS_REQUEST');
  });

  it('accepts gzip bodies', async () => {
    const body = gzipSync(
      JSON.stringify({ predictions: [prediction({ predictionId: 'gzipped' })] }),
    );
    const response = await post(body, { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(202);
    expect(await count(collector.storage, 'predictions', "prediction_id = 'gzipped'")).toBe(1);
  });

  it('reads the content coding case-insensitively (RFC 9110)', async () => {
    for (const [i, coding] of ['GZIP', 'Gzip', 'x-gzip', 'IDENTITY'].entries()) {
      const json = JSON.stringify({ predictions: [prediction({ predictionId: `coding-${i}` })] });
      const body = coding === 'IDENTITY' ? json : gzipSync(json);
      const response = await post(body, { 'content-encoding': coding });
      expect(response.statusCode).toBe(202);
    }
    expect(await count(collector.storage, 'predictions', "prediction_id LIKE 'coding-%'")).toBe(4);
    const unsupported = await post('{}', { 'content-encoding': 'br' });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().code).toBe('DW_COLLECTOR_BAD_BATCH');
  });

  it('reads the auth scheme case-insensitively, the token exactly (RFC 9110)', async () => {
    for (const authorization of [
      'bearer secret-token',
      'BEARER secret-token',
      'Bearer  secret-token',
    ]) {
      const response = await post({ predictions: [prediction()] }, { authorization });
      expect(response.statusCode).toBe(202);
    }
    for (const authorization of [
      'Bearer SECRET-TOKEN',
      'Basic secret-token',
      'secret-token',
      'Bearer',
    ]) {
      const response = await post({ predictions: [prediction()] }, { authorization });
      expect(response.statusCode).toBe(401);
    }
  });

  it('refuses a missing or wrong bearer token', async () => {
    const response = await post({ predictions: [prediction()] }, { authorization: 'Bearer wrong' });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('DW_COLLECTOR_UNAUTHORIZED');
    // RFC 9110 §15.5.2: a 401 names the scheme the client is to use (RFC 6750 §3 for Bearer).
    expect(response.headers['www-authenticate']).toBe('Bearer realm="driftwatch"');
  });

  it('stores a redelivered prediction once', async () => {
    const p = prediction({ predictionId: 'redelivered' });
    expect((await post({ predictions: [p] })).statusCode).toBe(202);
    expect((await post({ predictions: [p] })).statusCode).toBe(202);
    const result = await collector.storage.client.query({
      query: `SELECT count() FROM ${collector.storage.table('predictions')} FINAL WHERE prediction_id = 'redelivered'`,
      format: 'JSONCompactEachRow',
    });
    expect(Number((await result.json<[string]>())[0]![0])).toBe(1);
  });
});
