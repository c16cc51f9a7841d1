/**
 * Label (target) drift: the labels of the labelled predictions of both windows are compared with
 * the default test columnDrift picks, as numbers when every label reads as one and as classes
 * otherwise, from the same bounded sample as the quality metrics; a window with predictions but
 * no label gives no label drift and says so. The result is recorded in drift_results as the
 * prediction's is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent, PredictionEvent } from '@driftwatch/schema';
import { runModelReport, type ModelReport } from '../../src/analysis/model-report.js';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { prediction } from '../helpers/events.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const REFERENCE = { from: T0, to: T0 + HOUR };
const CURRENT = { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR };
const PER_WINDOW = 400;

/** `label(i)` for each window's predictions `i`; labels observed after the window. */
function labelled(
  model: string,
  window: 'ref' | 'cur',
  label: (i: number) => LabelEvent['label'] | undefined,
): { predictions: PredictionEvent[]; labels: LabelEvent[] } {
  const startMs = window === 'ref' ? REFERENCE.from : CURRENT.from;
  const predictions = Array.from({ length: PER_WINDOW }, (_, i) =>
    prediction({ predictionId: `${window}-${i}`, model, timeUnixMs: startMs + i * 1000 }),
  );
  const labels = predictions.flatMap((p, i) => {
    const value = label(i);
    return value === undefined
      ? []
      : [{ predictionId: p.predictionId, model, label: value, timeUnixMs: CURRENT.to }];
  });
  return { predictions, labels };
}

describe('label drift', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_label_drift');
    const parts = [
      // Positives go from 20 % to 60 %: the outcome itself moved.
      labelled('churn', 'ref', (i) => (i % 5 === 0 ? 1 : 0)),
      labelled('churn', 'cur', (i) => (i % 5 < 3 ? 1 : 0)),
      // The same mix of worded classes in both windows.
      labelled('triage', 'ref', (i) => ['approve', 'review', 'deny'][i % 3]),
      labelled('triage', 'cur', (i) => ['approve', 'review', 'deny'][(i + 1) % 3]),
      // Labels in the reference window only (the current window's are not in yet).
      labelled('late', 'ref', (i) => i % 2),
      labelled('late', 'cur', () => undefined),
    ];
    const response = await ingest.post({
      predictions: parts.flatMap((p) => p.predictions),
      labels: parts.flatMap((p) => p.labels),
    });
    expect(response.json()).toMatchObject({ rejectedTotal: 0 });
  });
  afterAll(() => ingest.close());

  const report = async (model: string): Promise<ModelReport> => {
    const response = await ingest.collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: { model, reference: REFERENCE, current: CURRENT },
    });
    expect(response.statusCode).toBe(200);
    return response.json<ModelReport>();
  };

  it('flags a shift in the numeric labels with the default test and records it with the run', async () => {
    const result = await report('churn');
    expect(result.label).toEqual({
      name: 'label',
      kind: 'label',
      type: 'numeric',
      // Two distinct values in a reference of at most 1000: Evidently's z-test of proportions.
      test: 'z',
      score: expect.any(Number),
      threshold: 0.05,
      drifted: true,
      referenceCount: PER_WINDOW,
      currentCount: PER_WINDOW,
    });
    expect(result.label!.score).toBeLessThan(0.05);
    expect(result.issues).toEqual([]);
    const rows = await ingest.rows<Record<string, unknown>>(
      `SELECT column_name, column_type, method, drifted,
              toUInt32(reference_count) AS reference_count, toUInt32(current_count) AS current_count
       FROM {drift_results} WHERE run_id = '${result.runId}' AND column_kind = 'label'`,
    );
    expect(rows).toEqual([
      {
        column_name: 'label',
        column_type: 'numeric',
        method: 'z',
        drifted: 1,
        reference_count: PER_WINDOW,
        current_count: PER_WINDOW,
      },
    ]);
  });

  it('compares worded labels as classes', async () => {
    const result = await report('triage');
    expect(result.label).toMatchObject({
      name: 'label',
      type: 'categorical',
      test: 'chisquare',
      drifted: false,
      referenceCount: PER_WINDOW,
      currentCount: PER_WINDOW,
    });
  });

  it('samples the labels to maxWindowSamples, as the quality metrics', async () => {
    const result = await runModelReport(
      ingest.collector.storage,
      {
        model: 'churn',
        reference: { fromMs: REFERENCE.from, toMs: REFERENCE.to },
        current: { fromMs: CURRENT.from, toMs: CURRENT.to },
      },
      100,
    );
    expect(result.label).toMatchObject({ referenceCount: 100, currentCount: 100, drifted: true });
    expect(result.performance.reference.labelled).toBe(PER_WINDOW);
  });

  it('gives no label drift when a window has predictions but no label, and says which', async () => {
    const result = await report('late');
    expect(result.label).toBeNull();
    expect(result.prediction).not.toBeNull();
    expect(result.issues).toEqual([
      {
        reason: 'missing-in-current',
        column: 'label',
        kind: 'label',
        message:
          'no prediction in the current window has a label (400 predictions): no label drift',
      },
    ]);
  });
});
