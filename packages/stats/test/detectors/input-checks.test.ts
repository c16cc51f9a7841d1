import { describe, expect, it } from 'vitest';
import { ADWIN } from '../../src/detectors/adwin.js';
import { DDM } from '../../src/detectors/ddm.js';
import { EDDM } from '../../src/detectors/eddm.js';
import { HDDM_A } from '../../src/detectors/hddm-a.js';
import { KSWIN } from '../../src/detectors/kswin.js';
import { PageHinkley } from '../../src/detectors/page-hinkley.js';
import type { ChangeDetector } from '../../src/detectors/types.js';
import { StatsError, StatsErrorCodes } from '../../src/errors.js';
import { codeOf } from '../error-code.js';

const all: [string, () => ChangeDetector][] = [
  ['ADWIN', () => new ADWIN()],
  ['DDM', () => new DDM()],
  ['EDDM', () => new EDDM()],
  ['HDDM_A', () => new HDDM_A()],
  ['PageHinkley', () => new PageHinkley()],
  ['KSWIN', () => new KSWIN({ seed: 1 })],
];
const binary: [string, () => ChangeDetector][] = all.filter(([n]) =>
  ['DDM', 'EDDM', 'HDDM_A'].includes(n),
);

describe('detector input checks', () => {
  it.each(all)('%s rejects NaN, ±Infinity and non-numbers, and keeps its state', (_, make) => {
    const detector = make();
    detector.update(1);
    for (const x of [NaN, Infinity, -Infinity])
      expect(codeOf(() => detector.update(x))).toBe(StatsErrorCodes.NON_FINITE);
    expect(codeOf(() => detector.update('1' as unknown as number))).toBe(
      StatsErrorCodes.INVALID_ARGUMENT,
    );
    expect(detector.update(0)).toEqual({ drift: false, warning: false });
  });

  it.each(binary)('%s accepts 0/1 and booleans only', (_, make) => {
    const detector = make();
    expect(detector.update(true)).toEqual({ drift: false, warning: false });
    expect(detector.update(false)).toEqual({ drift: false, warning: false });
    for (const x of [0.5, 2, -1])
      expect(codeOf(() => detector.update(x))).toBe(StatsErrorCodes.INVALID_LABEL);
  });

  it('rejects bad options with messages that name the field', () => {
    const bad: [string, () => unknown][] = [
      ['delta', () => new ADWIN({ delta: 0 })],
      ['clock', () => new ADWIN({ clock: 0 })],
      ['maxBuckets', () => new ADWIN({ maxBuckets: 1.5 })],
      ['driftThreshold', () => new DDM({ warningThreshold: 3, driftThreshold: 2 })],
      ['warmStart', () => new DDM({ warmStart: -1 })],
      ['beta', () => new EDDM({ alpha: 0.8, beta: 0.9 })],
      ['alpha', () => new EDDM({ alpha: 1.5 })],
      ['driftConfidence', () => new HDDM_A({ driftConfidence: 1 })],
      ['twoSidedTest', () => new HDDM_A({ twoSidedTest: 'yes' as unknown as boolean })],
      ['mode', () => new PageHinkley({ mode: 'sideways' as 'up' })],
      ['threshold', () => new PageHinkley({ threshold: 0 })],
      ['statSize', () => new KSWIN({ windowSize: 50, statSize: 30 })],
      ['window', () => new KSWIN({ window: [1, NaN] })],
      ['alpha', () => new KSWIN({ alpha: NaN })],
      ['warmstart', () => new DDM({ warmstart: 3 } as object)],
    ];
    for (const [field, make] of bad) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(StatsError);
      expect((caught as StatsError).code).toBe(StatsErrorCodes.INVALID_ARGUMENT);
      expect((caught as StatsError).message).toContain(`'${field}'`);
    }
  });

  it('exposes the resolved, frozen options with river defaults', () => {
    expect(new ADWIN().options).toEqual({
      delta: 0.002,
      clock: 32,
      maxBuckets: 5,
      minWindowLength: 5,
      gracePeriod: 10,
    });
    expect(new DDM().options).toEqual({ warmStart: 30, warningThreshold: 2, driftThreshold: 3 });
    expect(new EDDM().options).toEqual({ warmStart: 30, alpha: 0.95, beta: 0.9 });
    expect(new HDDM_A().options).toEqual({
      driftConfidence: 0.001,
      warningConfidence: 0.005,
      twoSidedTest: false,
    });
    expect(new PageHinkley().options).toEqual({
      minInstances: 30,
      delta: 0.005,
      threshold: 50,
      alpha: 0.9999,
      mode: 'both',
    });
    const kswin = new KSWIN({ seed: 5 });
    expect(kswin.options).toMatchObject({
      alpha: 0.005,
      windowSize: 100,
      statSize: 30,
      seed: 5,
      window: [],
    });
    expect(Object.isFrozen(kswin.options)).toBe(true);
  });

  it('KSWIN starts from a given window (no cold start)', () => {
    const warm = new KSWIN({ seed: 1, window: Array.from({ length: 99 }, (_, i) => i % 2) });
    expect(warm.pValue).toBe(1);
    warm.update(0);
    expect(warm.pValue).toBeLessThan(1);
  });
});
