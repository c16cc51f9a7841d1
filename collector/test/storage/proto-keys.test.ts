/**
 * A feature or attribute named `__proto__` (an own member, as JSON.parse makes it) is stored
 * under its name like any other; a plain object's `__proto__` setter swallowed it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord, PredictionEvent } from '@driftwatch/schema';
import { EventWriter } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { logRecord, prediction, spanRecord } from '../helpers/events.js';
import { openTempStorage } from '../helpers/temp-storage.js';

describe('members named __proto__ in stored maps', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_proto_keys'));
    await migrate(storage);
  });
  afterAll(async () => dispose());

  const rows = async <T>(sql: string): Promise<T[]> => {
    const query = sql.replace(/\{(\w+)\}/g, (_, name: string) => storage.table(name));
    return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>();
  };

  // Computed keys (`['__proto__']`) make own members in the expected values too.
  it('keeps them in features and attributes', async () => {
    const numeric = prediction({
      predictionId: 'proto-num',
      features: JSON.parse('{"__proto__": 1.5, "age": 41}') as PredictionEvent['features'],
    });
    const categorical = prediction({
      predictionId: 'proto-cat',
      features: JSON.parse('{"__proto__": "north"}') as PredictionEvent['features'],
    });
    const attributes = JSON.parse('{"__proto__": "value", "k": 1}') as LogRecord['attributes'];
    await new EventWriter(storage).write({
      predictions: [numeric, categorical],
      labels: [],
      logs: [{ ...logRecord, body: 'proto-log', attributes }],
      spans: [{ ...spanRecord, spanId: 'eeeeeeeeeeeeeeee', attributes }],
      metrics: [],
    });
    expect(
      await rows(
        `SELECT prediction_id, num_features, cat_features FROM {predictions} WHERE prediction_id LIKE 'proto-%' ORDER BY prediction_id`,
      ),
    ).toEqual([
      { prediction_id: 'proto-cat', num_features: {}, cat_features: { ['__proto__']: 'north' } },
      {
        prediction_id: 'proto-num',
        num_features: { ['__proto__']: 1.5, age: 41 },
        cat_features: {},
      },
    ]);
    expect(await rows(`SELECT LogAttributes FROM {otel_logs} WHERE Body = 'proto-log'`)).toEqual([
      { LogAttributes: { ['__proto__']: 'value', k: '1' } },
    ]);
    expect(
      await rows(`SELECT SpanAttributes FROM {otel_traces} WHERE SpanId = 'eeeeeeeeeeeeeeee'`),
    ).toEqual([{ SpanAttributes: { ['__proto__']: 'value', k: '1' } }]);
  });
});
