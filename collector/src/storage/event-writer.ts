/** Writes validated events to their tables, one batched insert per signal. */
import { randomUUID } from 'node:crypto';
import type { SignalItem } from '@driftwatch/schema';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from './open-storage.js';
import { labelRow, logRow, metricRow, predictionRow, spanRow } from './rows.js';

/** Valid items of one ingest batch, grouped by signal. */
export type ValidEvents = { [S in keyof SignalItem]: SignalItem[S][] };

/**
 * otel_* tables are partitioned by day and predictions by month, and ClickHouse refuses an insert
 * that touches more than `max_partitions_per_insert_block` (100) partitions: a batch of valid
 * items spanning 101 days (a backfill, a replay) was answered 503 and retried until the SDK
 * dropped it. A batch is at most 10,000 items a signal, so the partitions of one insert are
 * bounded anyway; 0 lifts the limit (a setting every ClickHouse version knows).
 */
const INSERT_SETTINGS = { max_partitions_per_insert_block: '0' } as const;

export interface WriteOptions {
  /**
   * Names this exact set of events (the Kafka source: topic, partition, offset range and a digest
   * of the records; the HTTP ingest: the batch's idempotency-key and item counts). A write of the
   * same token again is dropped by the OTel tables (migration 0008); predictions and labels are
   * deduplicated by their keys anyway. Without one (an HTTP batch sent without a key), each write gets a fresh token and
   * two equal batches are both kept. @default a random UUID
   */
  readonly deduplicationToken?: string;
}

export class EventWriter {
  constructor(private readonly storage: Storage) {}

  /** Inserts every non-empty signal; resolves once ClickHouse has acknowledged all of them. */
  async write(
    events: ValidEvents,
    resource: Readonly<Record<string, string>> = {},
    options: WriteOptions = {},
  ): Promise<void> {
    const token = options.deduplicationToken ?? randomUUID();
    const inserts: Array<[string, unknown[]]> = [
      ['predictions', events.predictions.map((e) => predictionRow(e, resource))],
      ['labels', events.labels.map(labelRow)],
      ['otel_logs', events.logs.map((e) => logRow(e, resource))],
      ['otel_traces', events.spans.map((e) => spanRow(e, resource))],
      ['otel_metrics', events.metrics.map((e) => metricRow(e, resource))],
    ];
    const { client } = this.storage;
    // Every insert settles before the batch is answered: with the first failure answered at once,
    // a 503 went out (and its ingest place was freed) while the batch's other inserts still ran,
    // so the SDK's resend raced them and inserts in progress exceeded maxConcurrentIngests.
    const written = inserts.filter(([, rows]) => rows.length > 0);
    const settled = await Promise.allSettled(
      written.map(([table, values]) =>
        client.insert({
          table: this.storage.table(table),
          values,
          format: 'JSONEachRow',
          clickhouse_settings: {
            ...INSERT_SETTINGS,
            insert_deduplication_token: `${token}/${table}`,
          },
        }),
      ),
    );
    const failed = settled.flatMap((result, i) =>
      result.status === 'rejected'
        ? [{ table: written[i]![0], cause: result.reason as Error }]
        : [],
    );
    if (failed.length === 0) return;
    throw new CollectorError(
      CollectorErrorCodes.STORAGE_FAILED,
      `insert failed: ${failed.map(({ table, cause }) => `${table}: ${cause.message}`).join('; ')}`,
      { tables: failed.map(({ table }) => table) },
      {
        cause:
          failed.length === 1 ? failed[0]!.cause : new AggregateError(failed.map((f) => f.cause)),
      },
    );
  }
}
