/**
 * Model quality from a window's labelled outcomes. With more labelled predictions than
 * `maxWindowSamples`, the count is every labelled prediction and the metrics come from a sample
 * of the whole window, not of whichever rows ClickHouse read first; a prediction whose class
 * cannot be read as 0/1 is no class 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent, PredictionEvent } from '@driftwatch/schema';
import { runModelReport } from '../../src/analysis/model-report.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { openTempStorage } from '../helpers/temp-storage.js';
import { prediction } from '../helpers/events.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const PER_HALF = 200;
const MAX_SAMPLES = 100;

describe('labelled outcomes and model quality', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_labelled_outcomes'));
    await migrate(storage);
    const writer = new EventWriter(storage);
    // The window's first half is predicted right, its second half wrong, each in its own insert.
    for (const [half, right] of [
      [0, true],
      [1, false],
    ] as const) {
      const predictions: PredictionEvent[] = [];
      const labels: LabelEvent[] = [];
      for (let i = 0; i < PER_HALF; i++) {
        const predictionId = `half${half}-${i}`;
        const predicted = i % 2;
        predictions.push(
          prediction({
            predictionId,
            timeUnixMs: T0 + (half * PER_HALF + i) * 1000,
            prediction: predicted,
            score: predicted === 1 ? 0.9 : 0.1,
          }),
        );
        labels.push({
          predictionId,
          model: 'credit-risk',
          label: right ? predicted : 1 - predicted,
          timeUnixMs: T0 + HOUR,
        });
      }
      await writer.write({ predictions, labels, logs: [], spans: [], metrics: [] });
    }
    // A model answering words, without a score: its predicted class cannot be read as 0/1.
    const worded = Array.from({ length: 20 }, (_, i) =>
      prediction({
        predictionId: `worded-${i}`,
        model: 'worded',
        timeUnixMs: T0 + i * 1000,
        prediction: i % 2 === 0 ? 'approve' : 'decline',
        score: undefined,
      }),
    );
    await writer.write({
      predictions: worded,
      labels: worded.map((p, i) => ({
        predictionId: p.predictionId,
        model: 'worded',
        label: i % 2 === 0 ? 1 : 0,
        timeUnixMs: T0 + HOUR,
      })),
      logs: [],
      spans: [],
      metrics: [],
    });
  });
  afterAll(async () => dispose());

  it('counts every labelled prediction and samples the whole window', async () => {
    const window = { fromMs: T0, toMs: T0 + HOUR };
    const report = await runModelReport(
      storage,
      { model: 'credit-risk', reference: window, current: window },
      MAX_SAMPLES,
    );
    expect(report.performance.current.labelled).toBe(2 * PER_HALF);
    // Half right, half wrong: a sample of the whole window is near 0.5; one of either half is 1 or 0.
    expect(report.performance.current.precision).toBeGreaterThan(0.25);
    expect(report.performance.current.precision).toBeLessThan(0.75);
  });

  it('gives no precision, recall or F1 where no predicted class reads as 0/1', async () => {
    const window = { fromMs: T0, toMs: T0 + HOUR };
    const report = await runModelReport(
      storage,
      { model: 'worded', reference: window, current: window },
      MAX_SAMPLES,
    );
    // Every prediction was counted as class 0 before: precision, recall and F1 of 0, invented.
    expect(report.performance.current).toEqual({
      auc: null,
      precision: null,
      recall: null,
      f1: null,
      labelled: 20,
    });
  });
});
