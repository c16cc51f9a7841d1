// Synthetic streams with a known change point: detection delays and quiet stationary streams.
// The delay bounds are the ones documented in packages/stats/README.md "Change detectors".
import { describe, expect, it } from 'vitest';
import { ADWIN } from '../../src/detectors/adwin.js';
import { DDM } from '../../src/detectors/ddm.js';
import { EDDM } from '../../src/detectors/eddm.js';
import { HDDM_A } from '../../src/detectors/hddm-a.js';
import { KSWIN } from '../../src/detectors/kswin.js';
import { PageHinkley } from '../../src/detectors/page-hinkley.js';
import type { ChangeDetector } from '../../src/detectors/types.js';
import { TestRandom } from '../seeded-streams.js';

const CHANGE_AT = 2000;
const SEEDS = 20;

interface Case {
  name: string;
  make: () => ChangeDetector;
  /** One value of the stream; `after` is true from the change point on. */
  draw: (r: TestRandom, after: boolean) => number;
  maxDelay: number;
  /** Most alarms allowed on the 100k-point stationary stream (seed 99). */
  maxFalseAlarms: number;
}

// Error streams: Bernoulli error rate 0.1 → 0.3. Numeric streams: N(0, 0.1²) → N(0.3, 0.1²).
const errors = (r: TestRandom, after: boolean): number => r.bernoulli(after ? 0.3 : 0.1);
const values = (r: TestRandom, after: boolean): number => r.normal(after ? 0.3 : 0, 0.1);

const cases: Case[] = [
  { name: 'DDM', make: () => new DDM(), draw: errors, maxDelay: 2000, maxFalseAlarms: 0 },
  { name: 'EDDM', make: () => new EDDM(), draw: errors, maxDelay: 300, maxFalseAlarms: Infinity },
  {
    name: 'EDDM(alpha=0.8, beta=0.75)',
    make: () => new EDDM({ alpha: 0.8, beta: 0.75 }),
    draw: errors,
    maxDelay: 1000,
    maxFalseAlarms: 2,
  },
  { name: 'HDDM_A', make: () => new HDDM_A(), draw: errors, maxDelay: 500, maxFalseAlarms: 0 },
  { name: 'ADWIN', make: () => new ADWIN(), draw: values, maxDelay: 64, maxFalseAlarms: 0 },
  {
    name: 'PageHinkley',
    make: () => new PageHinkley(),
    draw: values,
    maxDelay: 250,
    maxFalseAlarms: 0,
  },
  {
    name: 'KSWIN(alpha=1e-6)',
    make: () => new KSWIN({ alpha: 1e-6, seed: 1 }),
    draw: values,
    maxDelay: 40,
    maxFalseAlarms: 0,
  },
];

/** Updates after the change point until the first drift signal (−1 if none within 5000). */
function delay(c: Case, seed: number): number {
  const detector = c.make();
  const r = new TestRandom(seed);
  for (let i = 0; i < CHANGE_AT + 5000; i++) {
    const { drift } = detector.update(c.draw(r, i >= CHANGE_AT));
    if (drift && i >= CHANGE_AT) return i - CHANGE_AT;
  }
  return -1;
}

describe.each(cases)('$name', (c) => {
  it(`detects a change at ${CHANGE_AT} within ${c.maxDelay} updates`, () => {
    const delays = Array.from({ length: SEEDS }, (_, s) => delay(c, s + 1)).sort((a, b) => a - b);
    console.log(
      `${c.name}: delays over ${SEEDS} seeds min ${delays[0]} median ${delays[SEEDS / 2]} max ${delays.at(-1)}`,
    );
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(c.maxDelay);
    }
  });

  if (Number.isFinite(c.maxFalseAlarms)) {
    it(`raises at most ${c.maxFalseAlarms} alarm(s) on 100k stationary points`, () => {
      const detector = c.make();
      const r = new TestRandom(99);
      let alarms = 0;
      for (let i = 0; i < 100_000; i++) if (detector.update(c.draw(r, false)).drift) alarms++;
      expect(alarms).toBeLessThanOrEqual(c.maxFalseAlarms);
    });
  }

  it('reset() forgets everything: a reset detector replays like a new one', () => {
    const r = new TestRandom(3);
    const stream = Array.from({ length: CHANGE_AT + 1500 }, (_, i) => c.draw(r, i >= CHANGE_AT));
    const used = c.make();
    for (const x of stream.slice(0, 700)) used.update(x);
    used.reset();
    const fresh = c.make();
    for (const x of stream) expect(used.update(x)).toEqual(fresh.update(x));
  });
});
