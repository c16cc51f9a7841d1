/**
 * Reads one window's feature values, scores and predictions for exact drift tests. ClickHouse
 * does the grouping per feature and caps each feature at `maxSamples` values with a seeded
 * uniform sample (groupArraySample), so the collector's memory is bounded whatever the window.
 */
import type { Storage } from '../storage/open-storage.js';
import { storageCall } from '../storage/storage-call.js';
import type { TimeWindow } from './time-window.js';

export interface WindowSamples {
  /** Predictions in the window (before sampling). */
  readonly count: number;
  readonly numeric: ReadonlyMap<string, Float64Array>;
  readonly categorical: ReadonlyMap<string, string[]>;
  readonly scores: Float64Array;
  readonly predictions: string[];
  /** Numeric readings of the predictions that have one (a regression value, a 0/1 class). */
  readonly predictionValues: Float64Array;
  /** Predictions in the window without a numeric reading (a worded class), before sampling. */
  readonly wordedPredictions: number;
}

export interface WindowQuery {
  readonly model: string;
  readonly modelVersion?: string;
  readonly window: TimeWindow;
  readonly maxSamples: number;
}

const SAMPLE_SEED = 20240601;

/** WHERE clause and parameters selecting one model's predictions in a window. */
export function windowFilter(query: WindowQuery): {
  where: string;
  params: Record<string, unknown>;
} {
  const version =
    query.modelVersion === undefined ? '' : ' AND model_version = {modelVersion:String}';
  return {
    where: `model = {model:String}${version}
      AND timestamp >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
      AND timestamp < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`,
    params: {
      model: query.model,
      ...(query.modelVersion === undefined ? {} : { modelVersion: query.modelVersion }),
      fromMs: query.window.fromMs,
      toMs: query.window.toMs,
      maxSamples: query.maxSamples,
      seed: SAMPLE_SEED,
    },
  };
}

async function rows<T>(
  storage: Storage,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  return storageCall('reading window samples', async () => {
    const result = await storage.client.query({
      query,
      query_params: params,
      format: 'JSONCompactEachRow',
    });
    return result.json<T>();
  });
}

export async function readWindowSamples(
  storage: Storage,
  query: WindowQuery,
): Promise<WindowSamples> {
  const predictions = storage.table('predictions');
  const { where, params } = windowFilter(query);
  const inWindow = `SELECT * FROM ${predictions} FINAL WHERE ${where}`;
  const [numericRows, categoricalRows, outputRows] = await Promise.all([
    rows<[string, number[]]>(
      storage,
      `SELECT name, groupArraySample({maxSamples:UInt64}, {seed:UInt64})(value)
       FROM (${inWindow}) ARRAY JOIN mapKeys(num_features) AS name, mapValues(num_features) AS value
       GROUP BY name`,
      params,
    ),
    rows<[string, string[]]>(
      storage,
      `SELECT name, groupArraySample({maxSamples:UInt64}, {seed:UInt64})(value)
       FROM (${inWindow}) ARRAY JOIN mapKeys(cat_features) AS name, mapValues(cat_features) AS value
       GROUP BY name`,
      params,
    ),
    rows<[number | string, Array<number | null>, string[], number | string, number[]]>(
      storage,
      `SELECT count(), groupArraySample({maxSamples:UInt64}, {seed:UInt64})(score),
              groupArraySample({maxSamples:UInt64}, {seed:UInt64})(prediction),
              countIf(prediction_num IS NULL),
              groupArraySample({maxSamples:UInt64}, {seed:UInt64})(prediction_num)
       FROM (${inWindow})`,
      params,
    ),
  ]);
  const output = outputRows[0] ?? [0, [], [], 0, []];
  return {
    count: Number(output[0]),
    numeric: new Map(numericRows.map(([name, values]) => [name, Float64Array.from(values)])),
    categorical: new Map(categoricalRows),
    scores: Float64Array.from(output[1].filter((s): s is number => s !== null)),
    predictions: output[2],
    predictionValues: Float64Array.from(output[4]),
    wordedPredictions: Number(output[3]),
  };
}

/** What `readWindowSamples` would return for a window, counted before reading it. */
export interface WindowSize {
  /**
   * Values: each feature's (numeric and text counted apart), the window's scores, predictions
   * and their numeric readings, and its labelled outcomes' label, its numeric reading, score and
   * class (counted as if all were labelled), each capped at `maxSamples`.
   */
  readonly values: number;
  /** Feature columns (a name numeric in some predictions and text in others counts twice). */
  readonly columns: number;
}

/** Per-sample series besides the features: score, prediction, its numeric reading, and the
 * labelled outcomes' label (text, for label drift), its numeric reading, score and class. */
export const OUTPUT_SERIES = 7;

/** Counts a window's values and feature columns from the feature names, not their values. */
export async function countWindowValues(storage: Storage, query: WindowQuery): Promise<WindowSize> {
  const { where, params } = windowFilter(query);
  const predictions = storage.table('predictions');
  const [[values = 0, columns = 0] = []] = await rows<[number | string, number | string]>(
    storage,
    `WITH (SELECT (sum(least(n, {maxSamples:UInt64})), count()) FROM (
             SELECT count() AS n
             FROM (SELECT arrayConcat(arrayMap(k -> concat('n:', k), mapKeys(num_features)),
                                      arrayMap(k -> concat('c:', k), mapKeys(cat_features))) AS names
                   FROM ${predictions} FINAL WHERE ${where})
             ARRAY JOIN names AS name
             GROUP BY name)) AS features
     SELECT features.1 + ${OUTPUT_SERIES} * (SELECT least(count(), {maxSamples:UInt64}) FROM ${predictions} FINAL WHERE ${where}),
            features.2`,
    params,
  );
  return { values: Number(values), columns: Number(columns) };
}
