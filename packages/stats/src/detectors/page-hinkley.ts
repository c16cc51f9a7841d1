/** Page-Hinkley test (Page 1954) with a fading factor, as river.drift.PageHinkley. */
import { finiteInput } from './input.js';
import { resolvePageHinkleyOptions } from './options.js';
import type { PageHinkleyOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

/**
 * Cumulates the deviations x − mean (minus/plus `delta`) with forgetting factor `alpha` and
 * signals drift when a cumulative sum moves more than `threshold` away from its extreme.
 * `threshold` is in the units of x: scale it to the stream (README "Change detectors").
 */
export class PageHinkley implements ChangeDetector {
  readonly options: Readonly<Required<PageHinkleyOptions>>;
  #n = 0;
  #mean = 0;
  #sumIncrease = 0;
  #sumDecrease = 0;
  #minIncrease = Infinity;
  #maxDecrease = -1;
  #drift = false;

  constructor(options: PageHinkleyOptions = {}) {
    this.options = resolvePageHinkleyOptions(options);
  }

  reset(): void {
    this.#n = 0;
    this.#mean = 0;
    this.#sumIncrease = 0;
    this.#sumDecrease = 0;
    this.#minIncrease = Infinity;
    // river starts the running maximum at -1, not -Infinity; kept for identical signals.
    this.#maxDecrease = -1;
    this.#drift = false;
  }

  update(x: number | boolean): DriftSignal {
    const value = finiteInput('PageHinkley', x);
    if (this.#drift) this.reset();
    const { alpha, delta, threshold, minInstances, mode } = this.options;
    this.#n++;
    this.#mean += (value - this.#mean) / this.#n;
    const deviation = value - this.#mean;
    this.#sumIncrease = alpha * this.#sumIncrease + deviation - delta;
    this.#sumDecrease = alpha * this.#sumDecrease + deviation + delta;
    if (this.#sumIncrease < this.#minIncrease) this.#minIncrease = this.#sumIncrease;
    if (this.#sumDecrease > this.#maxDecrease) this.#maxDecrease = this.#sumDecrease;
    if (this.#n >= minInstances) {
      const up = this.#sumIncrease - this.#minIncrease > threshold;
      const down = this.#maxDecrease - this.#sumDecrease > threshold;
      this.#drift = mode === 'up' ? up : mode === 'down' ? down : up || down;
    }
    return { drift: this.#drift, warning: false };
  }
}
