/**
 * Items the schema accepts but that are hostile to storage: times at and past the columns' range,
 * lone surrogates, strings at their length limits in many scripts. Each is either stored exactly
 * (or, for a lone surrogate, with U+FFFD) or rejected on its own; never does it sink its batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { logRecord, metricPoint, prediction, spanRecord } from '../helpers/events.js';

const MAX_NANOS = '4294967295999999999';
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

describe('POST /v1/ingest with hostile but schema-valid items', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_ingest_hostile');
  });
  afterAll(() => ingest.close());

  const post = (body: unknown) => ingest.post(body);
  const rows = <T = unknown>(sql: string) => ingest.rows<T>(sql);
  const where = (r: { signal: string; index: number; issues: Array<{ path: string }> }) =>
    `${r.signal}[${r.index}]${r.issues.map((i) => i.path).join(',')}`;

  it('rejects only the items whose times the columns cannot hold, and stores the boundary exactly', async () => {
    const beyond = (BigInt(MAX_NANOS) + 1n).toString();
    const response = await post({
      logs: [
        { ...logRecord, body: 'too-late', timeUnixNano: '99999999999999999999' },
        { ...logRecord, body: 'at-the-limit', timeUnixNano: MAX_NANOS },
        { ...logRecord, body: 'observed-too-late', observedTimeUnixNano: beyond },
      ],
      spans: [
        { ...spanRecord, spanId: 'aaaaaaaaaaaaaaaa', endTimeUnixNano: beyond },
        {
          ...spanRecord,
          spanId: 'bbbbbbbbbbbbbbbb',
          events: [{ name: 'exception', timeUnixNano: beyond }],
        },
        {
          ...spanRecord,
          spanId: 'dddddddddddddddd',
          startTimeUnixNano: MAX_NANOS,
          endTimeUnixNano: MAX_NANOS,
        },
      ],
      metrics: [
        { ...metricPoint, timeUnixNano: beyond },
        { ...metricPoint, name: 'at-the-limit', timeUnixNano: MAX_NANOS },
      ],
      predictions: [
        prediction({ predictionId: 'hostile-far', timeUnixMs: 8_640_000_000_000_000 }),
        prediction({ predictionId: 'hostile-last-ms', timeUnixMs: MAX_MS }),
      ],
    });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body.accepted).toEqual({ predictions: 1, labels: 0, logs: 1, spans: 1, metrics: 1 });
    expect(body.rejected.map(where)).toEqual([
      'predictions[0]/timeUnixMs',
      'logs[0]/timeUnixNano',
      'logs[2]/observedTimeUnixNano',
      'spans[0]/endTimeUnixNano',
      'spans[1]/events/0/timeUnixNano',
      'metrics[0]/timeUnixNano',
    ]);
    expect(
      await rows(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS nanos FROM {otel_logs} WHERE Body = 'at-the-limit'`,
      ),
    ).toEqual([{ nanos: MAX_NANOS }]);
    expect(
      await rows(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS nanos FROM {otel_traces} WHERE SpanId = 'dddddddddddddddd'`,
      ),
    ).toEqual([{ nanos: MAX_NANOS }]);
    expect(
      await rows(
        `SELECT toString(toUnixTimestamp64Nano(TimeUnix)) AS nanos FROM {otel_metrics} WHERE MetricName = 'at-the-limit'`,
      ),
    ).toEqual([{ nanos: MAX_NANOS }]);
    expect(
      await rows(
        `SELECT toString(toUnixTimestamp64Milli(timestamp)) AS ms FROM {predictions} WHERE prediction_id LIKE 'hostile-%'`,
      ),
    ).toEqual([{ ms: String(MAX_MS) }]);
  });

  it('stores a lone surrogate as U+FFFD instead of failing the whole batch', async () => {
    // JSON.stringify writes a lone surrogate as the escape `\ud800`, as the SDK sends it.
    const response = await post(
      JSON.stringify({
        resource: { 'service.name': 'svc-\ud800' },
        logs: [
          { ...logRecord, body: 'lone \ud800 high', attributes: { 'key-\udc00': 'v\udbff' } },
          { ...logRecord, body: 'beside the lone one' },
        ],
        predictions: [
          prediction({ predictionId: 'lone-\ud83d', features: { 'f\udc00': 'cat\ud800', ok: 1 } }),
        ],
      }),
    );
    expect(response.statusCode).toBe(202);
    expect(response.json().rejected).toEqual([]);
    expect(
      await rows(
        `SELECT Body, ServiceName, LogAttributes FROM {otel_logs} WHERE Body LIKE 'lone%' OR Body = 'beside the lone one' ORDER BY Body`,
      ),
    ).toEqual([
      {
        Body: 'beside the lone one',
        ServiceName: 'svc-\ufffd',
        LogAttributes: logRecord.attributes,
      },
      {
        Body: 'lone \ufffd high',
        ServiceName: 'svc-\ufffd',
        LogAttributes: { 'key-\ufffd': 'v\ufffd' },
      },
    ]);
    expect(
      await rows(
        `SELECT prediction_id, cat_features FROM {predictions} WHERE prediction_id LIKE 'lone-%'`,
      ),
    ).toEqual([{ prediction_id: 'lone-\ufffd', cat_features: { 'f\ufffd': 'cat\ufffd' } }]);
  });

  it('stores strings at their length limits, in many scripts, exactly', async () => {
    // Astral characters (two UTF-16 units), combining marks, RTL, CJK, NUL, quotes, backslashes.
    const alphabet = '😀𝔘\u0301שלום漢字"\\\u0000\u2028é';
    const fill = (length: number) =>
      alphabet
        .repeat(Math.ceil(length / alphabet.length))
        .slice(0, length)
        .replace(/[\ud800-\udbff]$/, 'x');
    const body = fill(65536);
    const attribute = fill(8192);
    const key = fill(256);
    // Names allow no control character.
    const featureName = fill(128).replaceAll('\u0000', '_');
    const category = fill(1024);
    const message = fill(8192);
    const response = await post({
      logs: [{ ...logRecord, body, attributes: { [key]: attribute } }],
      spans: [
        {
          ...spanRecord,
          spanId: 'cccccccccccccccc',
          name: fill(1024),
          status: { code: 'ERROR', message },
        },
      ],
      predictions: [
        prediction({ predictionId: 'long-strings', features: { [featureName]: category } }),
      ],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().rejected).toEqual([]);
    const [log] = await rows<{ Body: string; LogAttributes: Record<string, string> }>(
      `SELECT Body, LogAttributes FROM {otel_logs} WHERE length(Body) > 60000`,
    );
    expect(log?.Body).toBe(body);
    expect(log?.LogAttributes).toEqual({ [key]: attribute });
    const [span] = await rows<{ SpanName: string; StatusMessage: string }>(
      `SELECT SpanName, StatusMessage FROM {otel_traces} WHERE SpanId = 'cccccccccccccccc'`,
    );
    expect(span).toEqual({ SpanName: fill(1024), StatusMessage: message });
    expect(
      await rows(`SELECT cat_features FROM {predictions} WHERE prediction_id = 'long-strings'`),
    ).toEqual([{ cat_features: { [featureName]: category } }]);
  });

  it('stores a batch whose times span more than 100 days or months (partitions)', async () => {
    // otel_* tables are partitioned by day and predictions by month; ClickHouse refuses an insert
    // touching more than 100 partitions, which made the whole batch a 503 the SDK retried.
    const dayNanos = 86_400_000_000_000n;
    const start = BigInt(logRecord.timeUnixNano);
    const response = await post({
      logs: Array.from({ length: 120 }, (_, i) => ({
        ...logRecord,
        body: 'backfilled',
        timeUnixNano: (start - BigInt(i) * dayNanos).toString(),
      })),
      predictions: Array.from({ length: 120 }, (_, i) =>
        prediction({ predictionId: `backfilled-${i}`, timeUnixMs: Date.UTC(2010, i, 5) }),
      ),
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toMatchObject({ logs: 120, predictions: 120 });
    const stored = async (sql: string) => Number((await rows<{ n: unknown }>(sql))[0]?.n);
    expect(await stored(`SELECT count() AS n FROM {otel_logs} WHERE Body = 'backfilled'`)).toBe(
      120,
    );
    expect(
      await stored(
        `SELECT count() AS n FROM {predictions} WHERE prediction_id LIKE 'backfilled-%'`,
      ),
    ).toBe(120);
  });

  it('rejects only the histogram whose counts a UInt64 cannot hold, and stores the largest exactly', async () => {
    // From 1e21 on JSON writes a number in exponent form, which a UInt64 column refuses (the
    // whole insert failed: a 503 over HTTP, a partition held forever on Kafka); 2^64 wrapped to 0.
    // The largest double below 2^64, stored as JSON writes it (18446744073709550000).
    const largest = 2 ** 64 - 2048;
    const histogram = (name: string, count: number, bucket: number) => ({
      ...metricPoint,
      name,
      count,
      bucketCounts: [bucket, 0, 0],
    });
    const response = await post({
      metrics: [
        histogram('count-1e21', 1e21, 1),
        histogram('bucket-1e21', 3, 1e21),
        histogram('count-2^64', 2 ** 64, 1),
        histogram('largest-count', largest, largest),
      ],
      logs: [{ ...logRecord, body: 'beside the huge counts' }],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().rejected.map(where)).toEqual([
      'metrics[0]/count',
      'metrics[1]/bucketCounts/0',
      'metrics[2]/count',
    ]);
    expect(
      await rows(
        `SELECT MetricName, toString(Count) AS count, arrayMap(c -> toString(c), BucketCounts) AS buckets
        FROM {otel_metrics} WHERE MetricName LIKE '%count%' OR MetricName LIKE '%1e21'`,
      ),
    ).toEqual([
      {
        MetricName: 'largest-count',
        count: String(largest),
        buckets: [String(largest), '0', '0'],
      },
    ]);
    expect(
      await rows(`SELECT Body FROM {otel_logs} WHERE Body = 'beside the huge counts'`),
    ).toEqual([{ Body: 'beside the huge counts' }]);
  });
});
