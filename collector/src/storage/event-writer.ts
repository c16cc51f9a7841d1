/** Writes validated events to their tables, one batched insert per signal. */
import type { SignalItem } from '@driftwatch/schema';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from './open-storage.js';
import { labelRow, logRow, metricRow, predictionRow, spanRow } from './rows.js';

/** Valid items of one ingest batch, grouped by signal. */
export type ValidEvents = { [S in keyof SignalItem]: SignalItem[S][] };

export class EventWriter {
  constructor(private readonly storage: Storage) {}

  /** Inserts every non-empty signal; resolves once ClickHouse has acknowledged all of them. */
  async write(events: ValidEvents, resource: Readonly<Record<string, string>> = {}): Promise<void> {
    const inserts: Array<[string, unknown[]]> = [
      ['predictions', events.predictions.map((e) => predictionRow(e, resource))],
      ['labels', events.labels.map(labelRow)],
      ['otel_logs', events.logs.map((e) => logRow(e, resource))],
      ['otel_traces', events.spans.map((e) => spanRow(e, resource))],
      ['otel_metrics', events.metrics.map((e) => metricRow(e, resource))],
    ];
    const { client } = this.storage;
    try {
      await Promise.all(
        inserts
          .filter(([, rows]) => rows.length > 0)
          .map(([table, values]) =>
            client.insert({ table: this.storage.table(table), values, format: 'JSONEachRow' }),
          ),
      );
    } catch (cause) {
      throw new CollectorError(
        CollectorErrorCodes.STORAGE_FAILED,
        `insert failed: ${(cause as Error).message}`,
        {},
        { cause },
      );
    }
  }
}
