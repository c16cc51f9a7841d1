import { describe, expect, it } from 'vitest';
import { StatsErrorCodes } from '../../src/errors.js';
import { accuracy } from '../../src/metrics/accuracy.js';
import { averagePrecision } from '../../src/metrics/average-precision.js';
import { brierScore } from '../../src/metrics/brier-score.js';
import { expectedCalibrationError } from '../../src/metrics/calibration-error.js';
import { logLoss } from '../../src/metrics/log-loss.js';
import { precisionRecallF1 } from '../../src/metrics/precision-recall-f1.js';
import { r2 } from '../../src/metrics/r2-score.js';
import { mae } from '../../src/metrics/regression-errors.js';
import { rocAuc } from '../../src/metrics/roc-auc.js';
import { codeOf } from '../error-code.js';

describe('model metrics reject bad input with typed errors', () => {
  it.each([
    ['empty labels', () => rocAuc([], []), StatsErrorCodes.EMPTY_SAMPLE],
    ['NaN score', () => rocAuc([0, 1], [0.1, NaN]), StatsErrorCodes.NON_FINITE],
    ['Infinity score', () => averagePrecision([0, 1], [Infinity, 1]), StatsErrorCodes.NON_FINITE],
    ['length mismatch', () => rocAuc([0, 1], [0.1]), StatsErrorCodes.LENGTH_MISMATCH],
    ['label 2', () => rocAuc([0, 2], [0.1, 0.2]), StatsErrorCodes.INVALID_LABEL],
    ['single class AUC', () => rocAuc([1, 1], [0.1, 0.2]), StatsErrorCodes.SINGLE_CLASS],
    ['no positive AP', () => averagePrecision([0, 0], [0.1, 0.2]), StatsErrorCodes.SINGLE_CLASS],
    ['predicted 3', () => accuracy([0, 1], [0, 3]), StatsErrorCodes.INVALID_LABEL],
    ['predicted length', () => precisionRecallF1([0, 1], [0]), StatsErrorCodes.LENGTH_MISMATCH],
    ['probability > 1', () => logLoss([0, 1], [0.5, 1.5]), StatsErrorCodes.INVALID_ARGUMENT],
    ['probability NaN', () => brierScore([0, 1], [0.5, NaN]), StatsErrorCodes.NON_FINITE],
    [
      'bins 0',
      () => expectedCalibrationError([0, 1], [0.5, 0.5], { bins: 0 }),
      StatsErrorCodes.INVALID_ARGUMENT,
    ],
    ['regression empty', () => mae([], []), StatsErrorCodes.EMPTY_SAMPLE],
    ['regression NaN', () => r2([1, 2], [1, NaN]), StatsErrorCodes.NON_FINITE],
    ['regression length', () => r2([1, 2], [1]), StatsErrorCodes.LENGTH_MISMATCH],
  ])('%s', (_name, f, code) => {
    expect(codeOf(f)).toBe(code);
  });

  it('never returns NaN where scikit-learn divides by zero', () => {
    expect(precisionRecallF1([0, 0], [0, 0])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(r2([1, 1], [1, 2])).toBe(0);
  });
});
