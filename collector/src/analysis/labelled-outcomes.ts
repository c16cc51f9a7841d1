/**
 * Joins a window's predictions with their latest label (labels arrive late, may be corrected:
 * the newest observation wins) and returns the arrays model-quality metrics need. FINAL leaves
 * one label per (model, prediction_id), the newest (migration 0005); a prediction can then have
 * its model's label and one logged without a model (''), and the newer of the two counts.
 */
import type { Storage } from '../storage/open-storage.js';
import { windowFilter, type WindowQuery } from './window-samples.js';

export interface LabelledOutcomes {
  /** Binary ground truth, 0/1. */
  readonly labels: Uint8Array;
  /** Positive-class scores (NaN where the prediction carried none). */
  readonly scores: Float64Array;
  /** Predicted class, 0/1 (from the numeric prediction, or score ≥ 0.5 when it has none). */
  readonly predicted: Uint8Array;
}

export async function readLabelledOutcomes(
  storage: Storage,
  query: WindowQuery,
): Promise<LabelledOutcomes> {
  const { where, params } = windowFilter(query);
  const result = await storage.client.query({
    query: `
      SELECT l.label_num, p.score, p.prediction_num
      FROM (SELECT prediction_id, score, prediction_num FROM ${storage.table('predictions')} FINAL WHERE ${where}) AS p
      INNER JOIN (
        SELECT prediction_id, argMax(label_num, (timestamp, inserted_at)) AS label_num
        FROM ${storage.table('labels')} FINAL
        WHERE model IN ({model:String}, '')
        GROUP BY prediction_id
      ) AS l USING (prediction_id)
      WHERE l.label_num IN (0, 1)
      LIMIT {maxSamples:UInt64}`,
    query_params: params,
    format: 'JSONCompactEachRow',
  });
  const rows = await result.json<[number, number | null, number | null]>();
  const labels = new Uint8Array(rows.length);
  const scores = new Float64Array(rows.length);
  const predicted = new Uint8Array(rows.length);
  rows.forEach(([label, score, prediction], i) => {
    labels[i] = label;
    scores[i] = score ?? NaN;
    predicted[i] =
      prediction === 0 || prediction === 1 ? prediction : score !== null && score >= 0.5 ? 1 : 0;
  });
  return { labels, scores, predicted };
}
