/**
 * Insert deduplication of the OTel tables (migration 0008): a write of a token already written is
 * dropped (the Kafka source's retried or redelivered batch), writes without one are all kept (HTTP
 * ingest, as before the migration).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventWriter, type ValidEvents } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import { logRecord, metricPoint, prediction, spanRecord } from '../helpers/events.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

let temp: Awaited<ReturnType<typeof openTempStorage>>;
let writer: EventWriter;

const events = (tag: string): ValidEvents => ({
  predictions: [prediction({ predictionId: `${tag}-p`, model: tag })],
  labels: [],
  logs: [{ ...logRecord, body: tag }],
  spans: [{ ...spanRecord, name: tag }],
  metrics: [{ ...metricPoint, name: tag }],
});

async function counts(tag: string): Promise<number[]> {
  return [
    await count(temp.storage, 'otel_logs', `Body = '${tag}'`),
    await count(temp.storage, 'otel_traces', `SpanName = '${tag}'`),
    await count(temp.storage, 'otel_metrics', `MetricName = '${tag}'`),
  ];
}

beforeAll(async () => {
  temp = await openTempStorage('dw_dedup');
  await migrate(temp.storage);
  writer = new EventWriter(temp.storage);
});

afterAll(async () => {
  await temp?.dispose();
});

describe('insert deduplication', () => {
  it('drops a write whose token was already written', async () => {
    await writer.write(events('same'), {}, { deduplicationToken: 'kafka:t:0:0-9' });
    await writer.write(events('same'), {}, { deduplicationToken: 'kafka:t:0:0-9' });
    expect(await counts('same')).toEqual([1, 1, 1]);
    const predictions = await count(temp.storage, 'predictions', `model = 'same'`);
    expect(predictions).toBeGreaterThanOrEqual(1);
  });

  it('keeps writes of other tokens, and every write without one', async () => {
    await writer.write(events('other'), {}, { deduplicationToken: 'kafka:t:1:0-9' });
    await writer.write(events('other'), {}, { deduplicationToken: 'kafka:t:1:10-19' });
    expect(await counts('other')).toEqual([2, 2, 2]);
    await writer.write(events('http'));
    await writer.write(events('http'));
    expect(await counts('http')).toEqual([2, 2, 2]);
  });
});
