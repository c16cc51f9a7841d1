/**
 * The HTTP transport's wire against the real collector (embedded ClickHouse): gzip-encoded,
 * token-bearing batches of hand-rendered JSON holding hostile strings and numbers land in the
 * tables exactly; an item the collector cannot take costs only itself, never its batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type CollectorApp } from '@driftwatch/collector';
import { init, type DriftwatchOptions, type Monitor } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'wire-token';

/** Strings JSON, HTTP and ClickHouse each treat specially; every one is stored as it is. */
const HOSTILE = [
  'q"uote',
  'back\\slash \\\\ \\u0041 \\ud800',
  'line\u2028para\u2029',
  'control \u0001\u0007\u001b\u001f\u007f',
  'tab\tnewline\ncr\r',
  'nul \u0000 byte',
  'é 中文 😀 \u{10ffff} \ufeff',
  '</script><!--',
  '007',
  '-0',
  '1e21',
  'NaN',
  'x'.repeat(1024),
];
/** Names must be printable: the same strings without control characters, at most 128 long. */
// eslint-disable-next-line no-control-regex -- control characters are what names may not have
const CONTROL = /[\u0000-\u001f\u007f]/g;
const printable = (text: string): string => text.replace(CONTROL, '_').slice(0, 120);
/** Numbers at the edges of what JSON and Float64 hold. */
const NUMBERS = {
  negativeZero: -0,
  big: 1e21,
  huge: 1.7976931348623157e308,
  tiny: 5e-324,
  small: 1e-7,
  sum: 0.1 + 0.2,
  negative: -123.456,
  integer: 2 ** 53 - 1,
};

/** JSON's view of a value (-0 is 0). */
const viaJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function rows<T>(collector: CollectorApp, query: string): Promise<T[]> {
  const result = await collector.storage.client.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

async function eventually<T>(read: () => Promise<T[]>, count: number): Promise<T[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await read();
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface PredictionRow {
  prediction_id: string;
  model: string;
  num_features: Record<string, number>;
  cat_features: Record<string, string>;
  missing_features: string[];
  prediction: string;
  score: number | null;
  segment: string;
  request_id: string;
  service_name: string;
}

describe('HTTP wire → collector → embedded ClickHouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-wire-'));
  let collector: CollectorApp & { url: string };
  const monitors: Monitor[] = [];

  function start(options: DriftwatchOptions = {}): Monitor {
    const monitor = init(
      {
        serviceName: `wire "svc" é`,
        environment: 'test',
        // gzip on a loopback URL too (the default there is uncompressed).
        transport: {
          type: 'http',
          url: collector.url,
          token: TOKEN,
          gzipMinBytes: 0,
          gzipLevel: 1,
        },
        metrics: { enabled: false },
        logs: { destination: { write: () => undefined } },
        diagnostics: { destination: { write: () => undefined } },
        batch: { lingerMs: 60_000 },
        retry: { initialBackoffMs: 10, maxBackoffMs: 50, deadlineMs: 5000 },
        ...options,
      },
      {},
    );
    monitors.push(monitor);
    return monitor;
  }

  const predictionsOf = (model: string): Promise<PredictionRow[]> =>
    rows<PredictionRow>(
      collector,
      `SELECT * FROM dw_wire.predictions FINAL WHERE model = '${model}' ORDER BY prediction_id`,
    );

  beforeAll(async () => {
    collector = await startCollector({
      port: 0,
      logLevel: 'silent',
      ingestToken: TOKEN,
      storage: { chdbPath: join(dir, 'data'), database: 'dw_wire' },
    });
  });

  afterAll(async () => {
    for (const monitor of monitors) await monitor.shutdown({ timeoutMs: 5000 });
    await collector.app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores predictions with hostile strings and edge numbers exactly (gzip, bearer token)', async () => {
    const monitor = start();
    HOSTILE.forEach((text, i) => {
      monitor.logPrediction({
        model: 'wire-exact',
        modelVersion: printable(text).slice(0, 64),
        predictionId: `${String(i).padStart(2, '0')} ${printable(text)}`,
        features: {
          [`cat ${printable(text)}`]: text,
          ...NUMBERS,
          missing: null,
          flag: i % 2 === 0,
        },
        prediction: text,
        score: NUMBERS.tiny * i,
        segment: text.slice(0, 256),
        requestId: `req ${printable(text)}`,
      });
    });
    await monitor.flush();
    expect(monitor.stats).toMatchObject({ sentItems: HOSTILE.length, exportErrors: 0 });

    const stored = await eventually(() => predictionsOf('wire-exact'), HOSTILE.length);
    expect(stored).toHaveLength(HOSTILE.length);
    HOSTILE.forEach((text, i) => {
      const row = stored[i]!;
      expect(row.prediction_id).toBe(`${String(i).padStart(2, '0')} ${printable(text)}`);
      expect(row.prediction).toBe(text);
      expect(row.segment).toBe(text.slice(0, 256));
      expect(row.request_id).toBe(`req ${printable(text)}`);
      expect(row.service_name).toBe('wire "svc" é');
      expect(row.cat_features).toEqual({
        [`cat ${printable(text)}`]: text,
        flag: String(i % 2 === 0),
      });
      expect(row.num_features).toEqual(viaJson(NUMBERS));
      expect(row.missing_features).toEqual(['missing']);
      expect(row.score).toBe(NUMBERS.tiny * i);
    });
  });

  it('stores request spans and completion records with hostile paths and routes exactly', async () => {
    const monitor = start();
    const paths = HOSTILE.map((text, i) => `/wire/${i}/${text.slice(0, 200)}`);
    for (const [i, path] of paths.entries()) {
      const request = monitor.http.start({ method: 'POST', path, headers: {} });
      request.end({
        statusCode: 200 + i,
        route: `/wire/:n/${printable(HOSTILE[i]!).slice(0, 50)}`,
      });
    }
    await monitor.flush();
    expect(monitor.stats.exportErrors).toBe(0);

    type SpanRow = {
      SpanName: string;
      SpanAttributes: Record<string, string>;
      ServiceName: string;
    };
    const spans = await eventually(
      () =>
        rows<SpanRow>(
          collector,
          `SELECT SpanName, SpanAttributes, ServiceName FROM dw_wire.otel_traces
            WHERE SpanAttributes['url.path'] LIKE '/wire/%'`,
        ),
      paths.length,
    );
    expect(spans.map((span) => span.SpanAttributes['url.path']).sort()).toEqual([...paths].sort());
    for (const span of spans) {
      const i = Number(span.SpanAttributes['url.path']!.split('/')[2]);
      const route = `/wire/:n/${printable(HOSTILE[i]!).slice(0, 50)}`;
      expect(span.SpanName).toBe(`POST ${route}`);
      expect(span.SpanAttributes).toMatchObject({
        'http.route': route,
        'http.response.status_code': String(200 + i),
      });
      expect(span.ServiceName).toBe('wire "svc" é');
    }

    type LogRow = { Body: string; LogAttributes: Record<string, string> };
    const logs = await eventually(
      () =>
        rows<LogRow>(
          collector,
          `SELECT Body, LogAttributes FROM dw_wire.otel_logs WHERE LogAttributes['req.url'] LIKE '/wire/%'`,
        ),
      paths.length,
    );
    expect(logs.map((log) => log.LogAttributes['req.url']).sort()).toEqual([...paths].sort());
    for (const log of logs) {
      const i = Number(log.LogAttributes['req.url']!.split('/')[2]);
      expect(log.Body).toBe('request completed');
      expect(log.LogAttributes).toMatchObject({
        'req.method': 'POST',
        'req.route': `/wire/:n/${printable(HOSTILE[i]!).slice(0, 50)}`,
        'res.statusCode': String(200 + i),
      });
    }
  });

  it('an item the collector cannot take costs only itself, never its batch', async () => {
    const monitor = start();
    const predict = (id: string, features: object, segment = 'eu'): void => {
      monitor.logPrediction({
        model: 'wire-bad',
        modelVersion: '1',
        predictionId: id,
        features: features as Record<string, number>,
        prediction: 1,
        segment,
      });
    };
    predict('a-good', { x: 1 });
    // A lone surrogate (a string cut in the middle of an emoji): ClickHouse refuses its escape.
    predict('b-lone-surrogate', { city: 'Z\ud83d', x: 2 }, '😀'.slice(0, 1));
    // A member named __proto__ (a parsed request body): the collector's parser would refuse the
    // whole body, so logPrediction refuses the sample itself (invalid).
    predict('c-proto', JSON.parse('{"__proto__": 1, "x": 3}') as object);
    predict('d-good', { x: 4 });
    await monitor.flush();

    const stored = await eventually(() => predictionsOf('wire-bad'), 3);
    expect(stored.map((row) => row.prediction_id)).toEqual([
      'a-good',
      'b-lone-surrogate',
      'd-good',
    ]);
    // What any UTF-8 encoder makes of a lone surrogate.
    expect(stored[1]).toMatchObject({ segment: '\ufffd', cat_features: { city: 'Z\ufffd' } });
    expect(monitor.stats).toMatchObject({
      sentItems: 3,
      dropped: { invalid: 1, rejected: 0, send_failed: 0 },
    });
    expect(monitor.stats.dropped.retry_exhausted).toBe(0);
  });

  it('delivers many large batches whole', async () => {
    const monitor = start({ batch: { lingerMs: 60_000, maxItems: 500 } });
    const count = 3000;
    for (let i = 0; i < count; i += 1) {
      monitor.logPrediction({
        model: 'wire-large',
        modelVersion: '1',
        predictionId: `large-${String(i).padStart(5, '0')}`,
        features: { text: `${HOSTILE[i % HOSTILE.length]!}`.padEnd(1000, '\u00e9'), x: i },
        prediction: i,
      });
    }
    await monitor.flush();
    expect(monitor.stats).toMatchObject({ sentItems: count, exportErrors: 0 });
    const [counted] = await rows<{ n: string }>(
      collector,
      `SELECT count() AS n FROM dw_wire.predictions FINAL WHERE model = 'wire-large'`,
    );
    expect(Number(counted?.n)).toBe(count);
  });

  it('a wrong token loses its batches as send_failed and leaves the collector untouched', async () => {
    const monitor = start({
      transport: { type: 'http', url: collector.url, token: 'not-the-token', gzipLevel: 1 },
    });
    monitor.logPrediction({ model: 'wire-token', modelVersion: '1', features: {}, prediction: 1 });
    await monitor.flush();
    expect(monitor.stats).toMatchObject({ sentItems: 0, dropped: { send_failed: 1 } });
    expect(await predictionsOf('wire-token')).toEqual([]);
  });
});
