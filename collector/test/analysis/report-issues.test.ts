/**
 * What a report could not compare is said, never dropped: a feature numeric in one window and
 * text in the other (or with values of a type only one window has), a feature missing from a window, an empty window or an unknown model (no
 * verdict rather than "not drifted"); a regression model's predictions are compared as numbers;
 * a report for one model version reads that version only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import type { ModelReport } from '../../src/analysis/model-report.js';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const REFERENCE = { from: T0, to: T0 + HOUR };
const CURRENT = { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR };

/** A prediction without a score (the collector stores none when the field is absent). */
function unscored(event: Omit<PredictionEvent, 'modelVersion'> & { modelVersion?: string }) {
  return { modelVersion: '1.0.0', ...event } satisfies PredictionEvent;
}

/** Same-distribution pseudo-random values, all distinct (as a regression model's outputs). */
const noise = (i: number, seed: number) => {
  const x = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  return 1000 * (x - Math.floor(x));
};

describe('a report names what it could not compare', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_report_issues');
    const predictions: PredictionEvent[] = [];
    for (let i = 0; i < 200; i++) {
      // "zip" numeric, then text; "legacy" only in the reference, "added" only in the current.
      predictions.push(
        unscored({
          predictionId: `ref-${i}`,
          model: 'pricing',
          timeUnixMs: REFERENCE.from + i * 1000,
          features: { zip: 10_000 + (i % 7), legacy: i, age: 20 + (i % 40), code: i % 5 },
          prediction: noise(i, 1),
        }),
        unscored({
          predictionId: `cur-${i}`,
          model: 'pricing',
          timeUnixMs: CURRENT.from + i * 1000,
          // "code" numeric in both windows, with a text placeholder now and then in the current.
          features: {
            zip: `Z${i % 7}`,
            added: i,
            age: 20 + ((i * 7) % 40),
            code: i % 10 === 0 ? 'n/a' : i % 5,
          },
          prediction: noise(i, 2),
        }),
      );
      // A scored classifier whose current window comes without scores.
      predictions.push(
        {
          ...unscored({
            predictionId: `s-ref-${i}`,
            model: 'churn',
            timeUnixMs: REFERENCE.from + i * 1000,
            features: { tenure: i % 30 },
            prediction: i % 2,
          }),
          score: (i % 10) / 10,
        },
        unscored({
          predictionId: `s-cur-${i}`,
          model: 'churn',
          timeUnixMs: CURRENT.from + i * 1000,
          features: { tenure: i % 30 },
          prediction: i % 2,
        }),
      );
      // Two versions of one model: version 2 sees other inputs and predicts another class.
      for (const version of ['1', '2']) {
        predictions.push(
          unscored({
            predictionId: `v${version}-${i}`,
            model: 'fraud',
            modelVersion: version,
            timeUnixMs: REFERENCE.from + i * 1000,
            features: { amount: version === '1' ? i : 10_000 + i },
            prediction: version === '1' ? 'legit' : 'fraud',
          }),
        );
      }
    }
    const labels = ['1', '2'].flatMap((version) =>
      Array.from({ length: 200 }, (_, i) => ({
        predictionId: `v${version}-${i}`,
        model: 'fraud',
        label: i % 2,
        timeUnixMs: CURRENT.to,
      })),
    );
    const response = await ingest.post({ predictions, labels });
    expect(response.json()).toMatchObject({ rejectedTotal: 0 });
  });
  afterAll(() => ingest.close());

  /** A model without labels: no label drift, said for each window. */
  const unlabelled = (['reference', 'current'] as const).map((window) => ({
    reason: `missing-in-${window}`,
    column: 'label',
    kind: 'label',
    message: `no prediction in the ${window} window has a label (200 predictions): no label drift`,
  }));

  const report = async (body: object): Promise<ModelReport> => {
    const response = await ingest.collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: { reference: REFERENCE, current: CURRENT, ...body },
    });
    expect(response.statusCode).toBe(200);
    return response.json<ModelReport>();
  };

  it('reports a feature whose type changed or that one window lacks, instead of dropping it', async () => {
    const result = await report({ model: 'pricing' });
    expect(result.features.map((f) => [f.name, f.type])).toEqual([
      ['age', 'numeric'],
      ['code', 'numeric'],
    ]);
    expect(result.issues).toEqual([
      {
        reason: 'missing-in-reference',
        column: 'added',
        kind: 'feature',
        message: expect.stringContaining('"added" has no value in the reference window'),
      },
      {
        reason: 'missing-in-current',
        column: 'legacy',
        kind: 'feature',
        message: expect.stringContaining('"legacy" has no value in the current window'),
      },
      {
        reason: 'type-mismatch',
        column: 'zip',
        kind: 'feature',
        message:
          'feature "zip" is numeric in the reference window and text in the current window: not compared',
      },
      {
        // Compared on the numbers both windows have: its text values are said to be left out,
        // not called a feature that was not compared.
        reason: 'type-mismatch',
        column: 'code',
        kind: 'feature',
        message:
          'feature "code" also has text values in the current window, none in the reference window: it is compared on its numeric values alone',
      },
      ...unlabelled,
    ]);
  });

  it('compares a regression model’s numeric predictions as numbers, not as 200 categories', async () => {
    // Both windows draw from one distribution: as text every value was its own category, and
    // the chi-square test called them drifted (p = 0).
    const { prediction } = await report({ model: 'pricing' });
    expect(prediction).toMatchObject({ name: 'prediction', type: 'numeric', drifted: false });
  });

  it('says when a window lacks scores and compares the predictions instead', async () => {
    const result = await report({ model: 'churn' });
    expect(result.prediction).toMatchObject({ name: 'prediction', drifted: false });
    expect(result.issues).toEqual([
      expect.objectContaining({
        reason: 'missing-in-current',
        column: 'score',
        kind: 'prediction',
      }),
      ...unlabelled,
    ]);
  });

  it('gives no verdict for an unknown model or an empty window, and says which window is empty', async () => {
    const unknown = await report({ model: 'no-such-model' });
    expect(unknown.reference.count).toBe(0);
    expect(unknown.current.count).toBe(0);
    expect(unknown.dataset).toEqual({ driftedFeatures: 0, features: 0, share: 0, drifted: null });
    expect(unknown.issues.map((i) => [i.reason, i.window])).toEqual([
      ['empty-window', 'reference'],
      ['empty-window', 'current'],
    ]);
    expect(unknown.issues[0]!.message).toContain('"no-such-model"');

    const later = await report({
      model: 'pricing',
      current: { from: T0 + 5 * HOUR, to: T0 + 6 * HOUR },
    });
    expect(later.reference.count).toBe(200);
    expect(later.dataset.drifted).toBeNull();
    expect(later.prediction).toBeNull();
    // One issue for the window, not one per feature.
    expect(later.issues).toEqual([
      {
        reason: 'empty-window',
        window: 'current',
        message: expect.stringContaining('current window holds no prediction of model "pricing"'),
      },
    ]);
  });

  it('reads only the named model version', async () => {
    for (const version of ['1', '2']) {
      const result = await report({ model: 'fraud', modelVersion: version, current: REFERENCE });
      expect(result.reference.count).toBe(200);
      expect(result.performance.reference.labelled).toBe(200);
      expect(result.features).toEqual([
        expect.objectContaining({
          name: 'amount',
          referenceCount: 200,
          currentCount: 200,
          drifted: false,
        }),
      ]);
      expect(result.prediction).toMatchObject({ referenceCount: 200, drifted: false });
      expect(result.issues).toEqual([]);
    }
    // Both versions together: the versions' inputs differ, yet each window holds both alike.
    expect((await report({ model: 'fraud', current: REFERENCE })).reference.count).toBe(400);
  });
});
