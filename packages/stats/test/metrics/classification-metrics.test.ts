import { describe, expect, it } from 'vitest';
import { accuracy } from '../../src/metrics/accuracy.js';
import { averagePrecision } from '../../src/metrics/average-precision.js';
import { brierScore } from '../../src/metrics/brier-score.js';
import { expectedCalibrationError } from '../../src/metrics/calibration-error.js';
import { confusionMatrix } from '../../src/metrics/confusion-matrix.js';
import { logLoss } from '../../src/metrics/log-loss.js';
import { matthewsCorrcoef } from '../../src/metrics/matthews-corrcoef.js';
import { precisionRecallF1 } from '../../src/metrics/precision-recall-f1.js';
import { rocAuc } from '../../src/metrics/roc-auc.js';
import { specificity } from '../../src/metrics/specificity.js';
import { StatsErrorCodes } from '../../src/errors.js';
import { expectClose, loadFixture } from '../fixture-loader.js';
import { codeOf } from '../error-code.js';

interface ClassificationCase {
  name: string;
  labels: number[];
  scores: number[];
  predicted: number[];
  bins: number;
  expected: {
    rocAuc?: number;
    averagePrecision?: number;
    confusion: [number, number, number, number];
    accuracy: number;
    precision: number;
    recall: number;
    f1: number;
    specificity: number;
    mcc: number;
    logLoss?: number;
    brier?: number;
    ece?: number;
    curve?: { fractionPositive: number[]; meanPredicted: number[]; count: number[] };
  };
}

const { classification } = loadFixture<{ classification: ClassificationCase[] }>('metrics.json');
const REL = 1e-9;

describe('classification metrics equal scikit-learn 1.2', () => {
  it('has the fixture cases', () => {
    expect(classification.length).toBeGreaterThanOrEqual(25);
  });

  for (const c of classification) {
    const e = c.expected;
    it(`${c.name}: ranking metrics`, () => {
      // scikit-learn has no value where a class is missing (AUC) or no label is positive (AP):
      // those cases must throw SINGLE_CLASS, not pass without an assertion.
      if (e.rocAuc !== undefined) expectClose(rocAuc(c.labels, c.scores), e.rocAuc, REL);
      else expect(codeOf(() => rocAuc(c.labels, c.scores))).toBe(StatsErrorCodes.SINGLE_CLASS);
      if (e.averagePrecision !== undefined) {
        expectClose(averagePrecision(c.labels, c.scores), e.averagePrecision, REL);
      } else {
        expect(codeOf(() => averagePrecision(c.labels, c.scores))).toBe(
          StatsErrorCodes.SINGLE_CLASS,
        );
      }
    });

    it(`${c.name}: confusion-matrix metrics`, () => {
      const m = confusionMatrix(c.labels, c.predicted);
      expect([m.tn, m.fp, m.fn, m.tp]).toEqual(e.confusion);
      expect(m.matrix).toEqual([
        [m.tn, m.fp],
        [m.fn, m.tp],
      ]);
      expectClose(accuracy(c.labels, c.predicted), e.accuracy, REL);
      const prf = precisionRecallF1(c.labels, c.predicted);
      expectClose(prf.precision, e.precision, REL);
      expectClose(prf.recall, e.recall, REL);
      expectClose(prf.f1, e.f1, REL);
      expectClose(specificity(c.labels, c.predicted), e.specificity, REL);
      expectClose(matthewsCorrcoef(c.labels, c.predicted), e.mcc, REL, 1e-12);
    });

    if (e.logLoss !== undefined) {
      it(`${c.name}: probability metrics`, () => {
        expectClose(logLoss(c.labels, c.scores), e.logLoss as number, REL);
        expectClose(brierScore(c.labels, c.scores), e.brier as number, REL, 1e-12);
        const cal = expectedCalibrationError(c.labels, c.scores, { bins: c.bins });
        expectClose(cal.ece, e.ece as number, REL, 1e-12);
        const curve = e.curve as NonNullable<typeof e.curve>;
        expect(cal.curve.map((b) => b.count)).toEqual(curve.count);
        cal.curve.forEach((b, i) => {
          expectClose(b.fractionPositive, curve.fractionPositive[i] as number, REL, 1e-12);
          expectClose(b.meanPredicted, curve.meanPredicted[i] as number, REL, 1e-12);
        });
      });
    }
  }
});

describe('rocAuc and averagePrecision on large inputs', () => {
  it('rocAuc of 1M scores equals the tie-aware pair count', () => {
    const n = 1_000_000;
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 3 === 0 ? 1 : 0;
      scores[i] = ((i * 7919) % 1000) / 1000 + labels[i]! * 0.1;
    }
    const auc = rocAuc(labels, scores);
    // Independent reference: count (positive, negative) pairs by score value, ties counting
    // one half (the Mann–Whitney form of roc_auc_score), over the few thousand distinct scores.
    const byScore = new Map<number, [number, number]>();
    for (let i = 0; i < n; i++) {
      const counts = byScore.get(scores[i]!) ?? [0, 0];
      counts[labels[i]!]! += 1;
      byScore.set(scores[i]!, counts);
    }
    let negativesBelow = 0;
    let pairs = 0;
    for (const score of [...byScore.keys()].sort((a, b) => a - b)) {
      const [negatives, positives] = byScore.get(score)!;
      pairs += positives * (negativesBelow + negatives / 2);
      negativesBelow += negatives;
    }
    const positives = Math.ceil(n / 3);
    expectClose(auc, pairs / (positives * (n - positives)), 1e-12);
    // Swapping the classes mirrors the AUC.
    const flipped = labels.map((y) => 1 - y);
    expectClose(rocAuc(flipped, scores), 1 - auc, 1e-12);
  });

  it('accepts booleans as labels', () => {
    expect(rocAuc([false, true], [0.1, 0.9])).toBe(1);
    expect(averagePrecision([true, false], [0.1, 0.9])).toBe(0.5);
  });
});
