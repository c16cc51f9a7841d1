/**
 * Migration 0006 rebuilds `predictions` keyed by (model, model_version, prediction_id): a
 * database created by migrations 0001-0005 keeps every prediction it holds, a run interrupted
 * before its end can run again, and a fresh database gets the same key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import type { Storage } from '../../src/storage/open-storage.js';
import { loadMigrations, migrate } from '../../src/storage/migrate.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { prediction } from '../helpers/events.js';
import { openTempStorage } from '../helpers/temp-storage.js';

const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const KEY = 'model, model_version, prediction_id';

describe('migration of predictions to (model, model_version, prediction_id)', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_predictions_migration'));
  });
  afterAll(async () => dispose());

  const rows = async <T>(sql: string): Promise<T[]> => {
    const query = sql.replace(/\{(\w+)\}/g, (_, name: string) => storage.table(name));
    return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
  };
  const write = (predictions: PredictionEvent[]) =>
    new EventWriter(storage).write({ predictions, labels: [], logs: [], spans: [], metrics: [] });
  const sortingKeys = (database = storage.database) =>
    rows(
      `SELECT name, sorting_key FROM system.tables
       WHERE database = '${database}' AND name LIKE 'predictions%'`,
    );

  it('keeps the predictions of a database created before it', async () => {
    const before = loadMigrations().filter((m) => m.version < 6);
    expect((await migrate(storage, before)).applied).toEqual([1, 2, 3, 4, 5]);
    const scored = (predictionId: string, modelVersion: string, score: number) =>
      prediction({ predictionId, model: 'risk', modelVersion, timeUnixMs: T0, score });
    await write([scored('order-1', '1', 0.1), scored('order-2', '1', 0.2)]);
    // A backfill over 120 months: more partitions than one insert may touch by default (100).
    const backfill = Array.from({ length: 120 }, (_, i) => ({
      ...scored(`old-${String(i).padStart(3, '0')}`, '1', 0.5),
      timeUnixMs: Date.UTC(2010, i, 15),
    }));
    await write([...backfill, { ...scored('order-3', '1', 0.3), timeUnixMs: T0 - 40 * DAY }]);
    // An interrupted earlier run left its scratch table behind.
    await storage.client.command({
      query: `CREATE TABLE ${storage.table('predictions_rebuild')} (junk UInt8) ENGINE = MergeTree ORDER BY junk`,
    });

    const report = await migrate(storage);
    expect(report.applied).toEqual(
      loadMigrations()
        .filter((m) => m.version >= 6)
        .map((m) => m.version),
    );
    expect(report.applied).toContain(6);
    expect(await sortingKeys()).toEqual([{ name: 'predictions', sorting_key: KEY }]);
    // Version 2 scores order-1 too, after the migration: both versions keep their prediction.
    await write([scored('order-1', '2', 0.9)]);
    expect(
      await rows(
        `SELECT prediction_id, model_version, score, num_features FROM {predictions} FINAL
         WHERE prediction_id LIKE 'order-%' ORDER BY prediction_id, model_version`,
      ),
    ).toEqual([
      {
        prediction_id: 'order-1',
        model_version: '1',
        score: 0.1,
        num_features: { age: 41, income: 52000.5 },
      },
      {
        prediction_id: 'order-1',
        model_version: '2',
        score: 0.9,
        num_features: { age: 41, income: 52000.5 },
      },
      {
        prediction_id: 'order-2',
        model_version: '1',
        score: 0.2,
        num_features: { age: 41, income: 52000.5 },
      },
      {
        prediction_id: 'order-3',
        model_version: '1',
        score: 0.3,
        num_features: { age: 41, income: 52000.5 },
      },
    ]);
    expect(
      await rows(
        `SELECT toUInt32(count()) AS n, toUInt32(uniqExact(_partition_id)) AS partitions
         FROM {predictions} FINAL WHERE prediction_id LIKE 'old-%'`,
      ),
    ).toEqual([{ n: 120, partitions: 120 }]);
  });

  it('applies nothing on the next start', async () => {
    expect((await migrate(storage)).applied).toEqual([]);
  });

  it('gives a fresh database the same key', async () => {
    // Another database on the same data directory (chDB binds one per process).
    await storage.client.command({ query: 'CREATE DATABASE dw_predictions_fresh' });
    const fresh: Storage = {
      ...storage,
      database: 'dw_predictions_fresh',
      table: (name) => `\`dw_predictions_fresh\`.\`${name}\``,
    };
    expect((await migrate(fresh)).applied).toEqual(loadMigrations().map((m) => m.version));
    expect(await sortingKeys(fresh.database)).toEqual([{ name: 'predictions', sorting_key: KEY }]);
  });
});
