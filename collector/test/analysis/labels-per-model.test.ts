/**
 * Labels belong to a model's prediction: two models scoring the same caller-supplied id (a
 * champion and a challenger keyed by an order id) each keep their own labels, a label logged
 * without a model joins any model's prediction with that id, and the label observed last wins
 * whatever order the corrections arrive in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '@driftwatch/schema';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { prediction } from '../helpers/events.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const MODELS = ['champion', 'challenger'] as const;

function labelOf(
  predictionId: string,
  model: string | undefined,
  value: 0 | 1,
  timeUnixMs: number,
): LabelEvent {
  return { predictionId, ...(model === undefined ? {} : { model }), label: value, timeUnixMs };
}

describe('labels keyed by model and prediction id', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_labels_per_model');
    // Both models score orders 0..9 under the same ids, the challenger inverted.
    const predictions = MODELS.flatMap((model, m) =>
      Array.from({ length: 10 }, (_, i) =>
        prediction({
          predictionId: `order-${i}`,
          model,
          timeUnixMs: T0 + i * 1000,
          prediction: (i + m) % 2,
          score: (i + m) % 2 === 1 ? 0.9 : 0.1,
        }),
      ),
    );
    expect((await ingest.post({ predictions })).statusCode).toBe(202);
    // Orders 0..7: each model's own label (the challenger's the opposite of the champion's).
    const own = MODELS.flatMap((model, m) =>
      Array.from({ length: 8 }, (_, i) =>
        labelOf(`order-${i}`, model, ((i + m) % 2) as 0 | 1, T0 + HOUR),
      ),
    );
    expect((await ingest.post({ labels: own })).statusCode).toBe(202);
    // Order 8: a label logged without a model, for whichever model scored it.
    expect(
      (await ingest.post({ labels: [labelOf('order-8', undefined, 1, T0 + HOUR)] })).statusCode,
    ).toBe(202);
  });
  afterAll(() => ingest.close());

  const report = async (model: string) => {
    const response = await ingest.collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: {
        model,
        reference: { from: T0, to: T0 + HOUR },
        current: { from: T0, to: T0 + HOUR },
      },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{
      performance: { current: { labelled: number; precision: number; recall: number } };
    }>().performance.current;
  };

  const labelCount = async (model: string) => {
    const response = await ingest.collector.app.inject({
      method: 'GET',
      url: `/v1/models/${model}/labels/count`,
    });
    return response.json<{ labels: number }>().labels;
  };

  it('keeps each model its own labels when two models share a prediction id', async () => {
    // Orders 0..7 with the model's own label (each model predicted its own exactly), order 8
    // with the model-less label 1, which the champion predicted 0 and the challenger 1.
    expect(await report('champion')).toMatchObject({ labelled: 9, precision: 1, recall: 0.8 });
    expect(await report('challenger')).toMatchObject({ labelled: 9, precision: 1, recall: 1 });
    for (const model of MODELS) expect(await labelCount(model)).toBe(9);
  });

  it('lets the label observed last win, not the one inserted last', async () => {
    const id = 'solo';
    const scored = prediction({ predictionId: id, model: 'champion', timeUnixMs: T0 + 20_000 });
    expect(
      (await ingest.post({ predictions: [{ ...scored, prediction: 1, score: 0.9 }] })).statusCode,
    ).toBe(202);
    // The correction (observed later) arrives first; an older observation arrives after it,
    // then a model-less label observed in between.
    for (const label of [
      labelOf(id, 'champion', 1, T0 + 3 * HOUR),
      labelOf(id, 'champion', 0, T0 + 2 * HOUR),
      labelOf(id, undefined, 0, T0 + 2.5 * HOUR),
    ]) {
      expect((await ingest.post({ labels: [label] })).statusCode).toBe(202);
    }
    // Forces the merge that a ReplacingMergeTree would do later on its own.
    await ingest.rows(`OPTIMIZE TABLE {labels} FINAL`);
    expect(
      await ingest.rows(
        `SELECT model, label FROM {labels} FINAL WHERE prediction_id = '${id}' ORDER BY model`,
      ),
    ).toEqual([
      { model: '', label: '0' },
      { model: 'champion', label: '1' },
    ]);
    // The champion predicted 1 and the newest label says 1: one more true positive.
    expect(await report('champion')).toMatchObject({ labelled: 10, precision: 1, recall: 5 / 6 });
  });
});
