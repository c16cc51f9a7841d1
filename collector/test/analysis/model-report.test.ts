import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelEvent, PredictionEvent } from '@driftwatch/schema';
import { runModelReport, listModels } from '../../src/analysis/model-report.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { migrate } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

/** Deterministic PRNG (mulberry32) and a Box–Muller normal. */
function rng(seed: number) {
  let a = seed;
  const uniform = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

function generate(n: number, shifted: boolean, startMs: number, seed: number) {
  const r = rng(seed);
  const predictions: PredictionEvent[] = [];
  const labels: LabelEvent[] = [];
  for (let i = 0; i < n; i++) {
    const income = 50 + 10 * r.normal() + (shifted ? 8 : 0);
    const debt = 0.3 + 0.1 * r.normal();
    const age = 40 + 12 * r.normal();
    const region = r.uniform() < (shifted ? 0.7 : 0.3) ? 'north' : 'south';
    const z = 0.08 * (income - 50) - 6 * (debt - 0.3);
    const score = 1 / (1 + Math.exp(-z));
    // In the shifted period the outcome no longer follows the model: quality must drop.
    const truth = shifted ? (r.uniform() < 0.5 ? 1 : 0) : r.uniform() < score ? 1 : 0;
    const predictionId = `${shifted ? 'cur' : 'ref'}-${i}`;
    predictions.push({
      predictionId,
      model: 'credit-risk',
      modelVersion: '1.0.0',
      timeUnixMs: startMs + i * 1000,
      features: { income, debt, age, region },
      prediction: score >= 0.5 ? 1 : 0,
      score,
    });
    labels.push({
      predictionId,
      model: 'credit-risk',
      label: truth,
      timeUnixMs: startMs + i * 1000 + HOUR,
    });
  }
  return { predictions, labels };
}

describe('drift and model-quality report over two windows', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_report'));
    await migrate(storage);
    const writer = new EventWriter(storage);
    const reference = generate(3000, false, T0, 1);
    const current = generate(3000, true, T0 + 2 * HOUR, 2);
    for (const part of [reference, current]) {
      await writer.write({
        predictions: part.predictions,
        labels: [],
        logs: [],
        spans: [],
        metrics: [],
      });
      await writer.write({
        predictions: [],
        labels: part.labels,
        logs: [],
        spans: [],
        metrics: [],
      });
    }
  });
  afterAll(async () => dispose());

  const request = {
    model: 'credit-risk',
    reference: { fromMs: T0, toMs: T0 + HOUR },
    current: { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR },
  };

  it('flags the shifted features and only them', async () => {
    const report = await runModelReport(storage, request, 200_000);
    expect(report.reference.count).toBe(3000);
    expect(report.current.count).toBe(3000);
    const verdicts = Object.fromEntries(report.features.map((f) => [f.name, f.drifted]));
    expect(verdicts).toEqual({ age: false, debt: false, income: true, region: true });
    const income = report.features.find((f) => f.name === 'income')!;
    expect(income.type).toBe('numeric');
    expect(income.test).toBe('wasserstein');
    expect(report.features.find((f) => f.name === 'region')!.test).toBe('jensenshannon');
    expect(report.prediction?.name).toBe('score');
    expect(report.prediction?.drifted).toBe(true);
  });

  it('joins late labels and shows the quality drop', async () => {
    const report = await runModelReport(storage, request, 200_000);
    expect(report.performance.reference.labelled).toBe(3000);
    expect(report.performance.current.labelled).toBe(3000);
    expect(report.performance.reference.auc).toBeGreaterThan(0.7);
    expect(report.performance.current.auc).toBeLessThan(0.6);
    expect(report.performance.reference.precision).not.toBeNull();
    expect(report.performance.current.recall).not.toBeNull();
  });

  it('records each run in the results tables', async () => {
    const report = await runModelReport(storage, request, 200_000);
    // Four features, the score and the label.
    expect(await count(storage, 'drift_results', `run_id = '${report.runId}'`)).toBe(6);
    expect(await count(storage, 'performance_results', `run_id = '${report.runId}'`)).toBe(8);
  });

  it('lists models with their counts', async () => {
    expect(await listModels(storage)).toEqual([
      {
        model: 'credit-risk',
        modelVersion: '1.0.0',
        predictions: 6000,
        firstMs: T0,
        lastMs: T0 + 2 * HOUR + 2999 * 1000,
      },
    ]);
  });
});
