/**
 * Joins a window's predictions with their latest label (labels arrive late, may be corrected:
 * the newest observation wins) and returns the arrays model-quality metrics need. FINAL leaves
 * one label per (model, prediction_id), the newest (migration 0005); a prediction can then have
 * its model's label and one logged without a model (''), and the newer of the two counts.
 */
import type { Storage } from '../storage/open-storage.js';
import { storageCall } from '../storage/storage-call.js';
import { windowFilter, type WindowQuery } from './window-samples.js';

export interface LabelledOutcomes {
  /** Predictions in the window with a 0/1 label, all of them (the arrays hold a sample). */
  readonly labelled: number;
  /** Binary ground truth, 0/1. */
  readonly labels: Uint8Array;
  /** Positive-class scores (NaN where the prediction carried none). */
  readonly scores: Float64Array;
  /**
   * Predicted class, 0/1 (from the numeric prediction, or score ≥ 0.5 when it has none); NaN
   * where neither tells it (a worded prediction without a score), rather than an invented 0.
   */
  readonly predicted: Float64Array;
}

export async function readLabelledOutcomes(
  storage: Storage,
  query: WindowQuery,
): Promise<LabelledOutcomes> {
  const { where, params } = windowFilter(query);
  const predictions = storage.table('predictions');
  // A seeded uniform sample of the window's labelled outcomes and their full count: `LIMIT`
  // kept the rows read first (one insert's, one part's), and `labelled` was capped at the
  // sample size. Only the window's labels are grouped, not every label ever logged for the model.
  const [[labelled = 0, sample = []] = []] = await storageCall(
    'reading labelled outcomes',
    async () => {
      const result = await storage.client.query({
        query: `
          SELECT count(),
                 groupArraySample({maxSamples:UInt64}, {seed:UInt64})((l.label_num, p.score, p.prediction_num))
          FROM (SELECT prediction_id, score, prediction_num FROM ${predictions} FINAL WHERE ${where}) AS p
          INNER JOIN (
            SELECT prediction_id, argMax(label_num, (timestamp, inserted_at)) AS label_num
            FROM ${storage.table('labels')} FINAL
            WHERE model IN ({model:String}, '')
              AND prediction_id IN (SELECT prediction_id FROM ${predictions} WHERE ${where})
            GROUP BY prediction_id
          ) AS l USING (prediction_id)
          WHERE l.label_num IN (0, 1)`,
        query_params: params,
        format: 'JSONCompactEachRow',
      });
      return result.json<[number | string, Array<[number, number | null, number | null]>]>();
    },
  );
  const labels = new Uint8Array(sample.length);
  const scores = new Float64Array(sample.length);
  const predicted = new Float64Array(sample.length);
  sample.forEach(([label, score, prediction], i) => {
    labels[i] = label;
    scores[i] = score ?? NaN;
    predicted[i] =
      prediction === 0 || prediction === 1
        ? prediction
        : score === null
          ? NaN
          : score >= 0.5
            ? 1
            : 0;
  });
  return { labelled: Number(labelled), labels, scores, predicted };
}
