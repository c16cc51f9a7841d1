/** KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), as river.drift.KSWIN. */
import { SeededRandom } from '../sketch/seeded-random.js';
import { finiteInput } from './input.js';
import { ksExactPValue, ksStatisticSorted } from './ks-exact.js';
import { resolveKswinOptions } from './options.js';
import type { KswinOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

/**
 * Keeps the last `windowSize` values; once full, compares the newest `statSize` values with
 * `statSize` values drawn without replacement from the older part by a two-sample KS test
 * (exact p-value, as scipy's ks_2samp method='auto' does at these sizes) and signals drift when
 * p ≤ alpha and the statistic > 0.1. It tests at every update, so at the default alpha it raises
 * false alarms on stationary data by design (README "Change detectors").
 */
export class KSWIN implements ChangeDetector {
  readonly options: Readonly<Required<KswinOptions>>;
  #random: SeededRandom;
  #window: Float64Array;
  #start = 0;
  #length = 0;
  #drift = false;
  #pValue = 1;
  #pValueCache = new Map<number, number>();
  #indices: Int32Array;

  constructor(options: KswinOptions = {}) {
    this.options = resolveKswinOptions(options);
    this.#window = new Float64Array(this.options.windowSize);
    this.#random = new SeededRandom(this.options.seed);
    this.#indices = new Int32Array(this.options.windowSize - this.options.statSize);
    this.reset();
    for (const x of this.options.window) this.#push(x);
  }

  /** p-value of the last test (1 before the window is full). */
  get pValue(): number {
    return this.#pValue;
  }

  /** Empties the window and restarts the sampler from `seed` (as river does). */
  reset(): void {
    this.#start = 0;
    this.#length = 0;
    this.#drift = false;
    this.#pValue = 1;
    this.#random = new SeededRandom(this.options.seed);
  }

  #push(x: number): void {
    const size = this.options.windowSize;
    if (this.#length < size) {
      this.#window[(this.#start + this.#length) % size] = x;
      this.#length++;
    } else {
      this.#window[this.#start] = x;
      this.#start = (this.#start + 1) % size;
    }
  }

  #at(i: number): number {
    return this.#window[(this.#start + i) % this.options.windowSize] as number;
  }

  update(x: number | boolean): DriftSignal {
    const value = finiteInput('KSWIN', x);
    if (this.#drift) this.reset();
    this.#push(value);
    const { windowSize, statSize, alpha } = this.options;
    if (this.#length < windowSize) return { drift: false, warning: false };

    const older = windowSize - statSize;
    const indices = this.#indices;
    for (let i = 0; i < older; i++) indices[i] = i;
    const sample = new Float64Array(statSize);
    for (let i = 0; i < statSize; i++) {
      const pick = i + this.#random.nextInt(older - i);
      const chosen = indices[pick] as number;
      indices[pick] = indices[i] as number;
      indices[i] = chosen;
      sample[i] = this.#at(chosen);
    }
    const recent = new Float64Array(statSize);
    for (let i = 0; i < statSize; i++) recent[i] = this.#at(older + i);
    sample.sort();
    recent.sort();
    const { d, h } = ksStatisticSorted(sample, recent);
    let p = this.#pValueCache.get(h);
    if (p === undefined) {
      p = ksExactPValue(statSize, statSize, h);
      this.#pValueCache.set(h, p);
    }
    this.#pValue = p;
    this.#drift = p <= alpha && d > 0.1;
    return { drift: this.#drift, warning: false };
  }
}
