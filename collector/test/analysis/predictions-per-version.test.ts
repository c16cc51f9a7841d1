/**
 * Predictions belong to a model version: two versions of one model scoring the same
 * caller-supplied id (a canary next to the stable version) each keep their prediction and each
 * counts in its own version's report, while a redelivered batch is still stored once. Labels stay
 * keyed by model and prediction id, so one label applies to every version's prediction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { label, prediction } from '../helpers/events.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const MODEL = 'credit-risk';
const IDS = Array.from({ length: 10 }, (_, i) => `order-${i}`);

/** Version 1 predicts each order's label; version 2 predicts the opposite. */
function scored(modelVersion: '1' | '2'): PredictionEvent[] {
  return IDS.map((predictionId, i) => {
    const predicted = modelVersion === '1' ? i % 2 : (i + 1) % 2;
    return prediction({
      predictionId,
      model: MODEL,
      modelVersion,
      timeUnixMs: T0 + i * 1000,
      prediction: predicted,
      score: predicted === 1 ? 0.9 : 0.1,
    });
  });
}

describe('predictions keyed by model, version and prediction id', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_predictions_per_version');
    for (const batch of [scored('1'), scored('2'), scored('1')]) {
      expect((await ingest.post({ predictions: batch })).statusCode).toBe(202);
    }
    const labels = IDS.map((id, i) => label(id, (i % 2) as 0 | 1, T0 + HOUR));
    expect((await ingest.post({ labels })).statusCode).toBe(202);
  });
  afterAll(() => ingest.close());

  const report = async (modelVersion?: string) => {
    const response = await ingest.collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: {
        model: MODEL,
        ...(modelVersion === undefined ? {} : { modelVersion }),
        reference: { from: T0, to: T0 + HOUR },
        current: { from: T0, to: T0 + HOUR },
      },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{
      current: { count: number };
      performance: { current: { labelled: number; precision: number; recall: number } };
    }>();
  };

  const perVersion = () =>
    ingest.rows<{ model_version: string; n: number; ids: number }>(
      `SELECT model_version, toUInt32(count()) AS n, toUInt32(uniqExact(prediction_id)) AS ids
       FROM {predictions} FINAL GROUP BY model_version ORDER BY model_version`,
    );

  it('keeps one row per version of an id, and one per redelivered prediction', async () => {
    const expected = [
      { model_version: '1', n: 10, ids: 10 },
      { model_version: '2', n: 10, ids: 10 },
    ];
    expect(await perVersion()).toEqual(expected);
    // Forces the merge a ReplacingMergeTree does later on its own: still nothing replaced.
    await ingest.rows('OPTIMIZE TABLE {predictions} FINAL');
    expect(await perVersion()).toEqual(expected);
    expect(await ingest.rows('SELECT toUInt32(count()) AS n FROM {predictions}')).toEqual([
      { n: 20 },
    ]);
  });

  it('lists each version with its own count', async () => {
    const response = await ingest.collector.app.inject({ method: 'GET', url: '/v1/models' });
    expect(
      response.json<{ models: Array<{ modelVersion: string; predictions: number }> }>().models,
    ).toMatchObject([
      { model: MODEL, modelVersion: '1', predictions: 10 },
      { model: MODEL, modelVersion: '2', predictions: 10 },
    ]);
  });

  it("joins the model's label to each version's prediction, in its own version's report", async () => {
    const v1 = await report('1');
    expect(v1.current.count).toBe(10);
    expect(v1.performance.current).toMatchObject({ labelled: 10, precision: 1, recall: 1 });
    const v2 = await report('2');
    expect(v2.current.count).toBe(10);
    expect(v2.performance.current).toMatchObject({ labelled: 10, precision: 0, recall: 0 });
    // Across versions: every version's prediction, each with the id's one label.
    const all = await report();
    expect(all.current.count).toBe(20);
    expect(all.performance.current).toMatchObject({ labelled: 20, precision: 0.5, recall: 0.5 });
  });
});
