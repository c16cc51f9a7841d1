/**
 * Joins a window's predictions with their latest label (labels arrive late, may be corrected:
 * the newest observation wins) and returns the arrays model-quality metrics need. FINAL leaves
 * one label per (model, prediction_id), the newest (migration 0005); a prediction can then have
 * its model's label and one logged without a model (''), and the newer of the two counts.
 * Predictions are kept per (model, model_version, prediction_id) (migration 0006) and labels are
 * grouped to one per id before the join, so a label applies to each version's prediction with
 * that id: a window across versions counts every version's prediction once, none twice.
 * One sample serves both the quality metrics (its 0/1 labels) and label drift (every label).
 */
import type { Storage } from '../storage/open-storage.js';
import { storageCall } from '../storage/storage-call.js';
import { windowFilter, type WindowQuery } from './window-samples.js';

/** A window's labels, whatever their value, for label drift (see label-drift.ts). */
export interface LabelSample {
  /** Predictions in the window with a label, all of them (the arrays hold a sample). */
  readonly count: number;
  /** Of them, labels without a numeric reading (a worded class), before sampling. */
  readonly worded: number;
  /** The sampled labels as logged (text). */
  readonly texts: string[];
  /** Numeric readings of the sampled labels that have one (a 0/1 class, a regression target). */
  readonly values: Float64Array;
}

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
  readonly labelSample: LabelSample;
}

type Outcome = [
  label: string,
  labelNum: number | null,
  score: number | null,
  prediction: number | null,
];

export async function readLabelledOutcomes(
  storage: Storage,
  query: WindowQuery,
): Promise<LabelledOutcomes> {
  const { where, params } = windowFilter(query);
  const predictions = storage.table('predictions');
  // A seeded uniform sample of the window's labelled outcomes and their full count: `LIMIT`
  // kept the rows read first (one insert's, one part's), and `labelled` was capped at the
  // sample size. Only the window's labels are grouped, not every label ever logged for the model.
  // The label and its reading come from one argMax, so they are the same observation's.
  const [[binary = 0, withLabel = 0, worded = 0, sample = []] = []] = await storageCall(
    'reading labelled outcomes',
    async () => {
      const result = await storage.client.query({
        query: `
          SELECT countIf(l.label_num IN (0, 1)), count(), countIf(l.label_num IS NULL),
                 groupArraySample({maxSamples:UInt64}, {seed:UInt64})((l.label, l.label_num, p.score, p.prediction_num))
          FROM (SELECT prediction_id, score, prediction_num FROM ${predictions} FINAL WHERE ${where}) AS p
          INNER JOIN (
            SELECT prediction_id, latest.1 AS label, latest.2 AS label_num
            FROM (
              SELECT prediction_id, argMax((label, label_num), (timestamp, inserted_at)) AS latest
              FROM ${storage.table('labels')} FINAL
              WHERE model IN ({model:String}, '')
                AND prediction_id IN (SELECT prediction_id FROM ${predictions} WHERE ${where})
              GROUP BY prediction_id)
          ) AS l USING (prediction_id)`,
        query_params: params,
        format: 'JSONCompactEachRow',
      });
      return result.json<[number | string, number | string, number | string, Outcome[]]>();
    },
  );
  // The metrics take the sampled outcomes with a 0/1 label: a uniform sample of those too, of
  // fewer than maxSamples where other labels share the window.
  const outcomes = sample.filter(([, label]) => label === 0 || label === 1);
  const labels = new Uint8Array(outcomes.length);
  const scores = new Float64Array(outcomes.length);
  const predicted = new Float64Array(outcomes.length);
  outcomes.forEach(([, label, score, prediction], i) => {
    labels[i] = label!;
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
  return {
    labelled: Number(binary),
    labels,
    scores,
    predicted,
    labelSample: {
      count: Number(withLabel),
      worded: Number(worded),
      texts: sample.map(([text]) => text),
      values: Float64Array.from(sample.flatMap(([, value]) => (value === null ? [] : [value]))),
    },
  };
}
