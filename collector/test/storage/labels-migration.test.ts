/**
 * Migration 0005 rebuilds `labels` keyed by (model, prediction_id), the newest observation
 * winning: a database created by migrations 0001-0004 keeps every label it holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/open-storage.js';
import { loadMigrations, migrate } from '../../src/storage/migrate.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { openTempStorage } from '../helpers/temp-storage.js';

const T0 = Date.UTC(2026, 10, 1);

describe('migration of labels to (model, prediction_id)', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_labels_migration'));
  });
  afterAll(async () => dispose());

  const rows = async <T>(sql: string): Promise<T[]> => {
    const query = sql.replace(/\{(\w+)\}/g, (_, name: string) => storage.table(name));
    return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
  };

  it('keeps the labels of a database created before it', async () => {
    const before = loadMigrations().filter((m) => m.version < 5);
    expect((await migrate(storage, before)).applied).toEqual([1, 2, 3, 4]);
    const labels = (items: Array<[string, string | undefined, number, number]>) =>
      new EventWriter(storage).write({
        predictions: [],
        labels: items.map(([predictionId, model, label, timeUnixMs]) => ({
          predictionId,
          ...(model === undefined ? {} : { model }),
          label,
          timeUnixMs,
        })),
        logs: [],
        spans: [],
        metrics: [],
      });
    await labels([
      ['order-1', 'risk', 1, T0],
      ['order-2', 'risk', 0, T0],
      ['order-3', undefined, 1, T0],
    ]);
    await labels([['order-2', 'risk', 1, T0 + 1000]]);
    // An interrupted earlier run left its scratch table behind.
    await storage.client.command({
      query: `CREATE TABLE ${storage.table('labels_rebuild')} (junk UInt8) ENGINE = MergeTree ORDER BY junk`,
    });

    const report = await migrate(storage);
    expect(report.applied).toEqual(
      loadMigrations()
        .filter((m) => m.version >= 5)
        .map((m) => m.version),
    );
    expect(report.applied).toContain(5);
    expect(
      await rows(
        `SELECT model, prediction_id, label, toString(toUnixTimestamp64Milli(timestamp)) AS ms
         FROM {labels} FINAL ORDER BY prediction_id, model`,
      ),
    ).toEqual([
      { model: 'risk', prediction_id: 'order-1', label: '1', ms: String(T0) },
      { model: 'risk', prediction_id: 'order-2', label: '1', ms: String(T0 + 1000) },
      { model: '', prediction_id: 'order-3', label: '1', ms: String(T0) },
    ]);
    expect(
      await rows(
        `SELECT name, sorting_key FROM system.tables
         WHERE database = '${storage.database}' AND name LIKE 'labels%'`,
      ),
    ).toEqual([{ name: 'labels', sorting_key: 'model, prediction_id' }]);
  });

  it('applies nothing on the next start', async () => {
    expect((await migrate(storage)).applied).toEqual([]);
  });
});
