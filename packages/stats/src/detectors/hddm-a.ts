/** HDDM_A, Hoeffding's-bound drift detection with the moving-average test (Frías-Blanco et al. 2014), as river.drift.binary.HDDM_A. */
import { binaryInput } from './input.js';
import { resolveHddmAOptions } from './options.js';
import type { HddmAOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

interface MeanState {
  n: number;
  mean: number;
}

/**
 * Keeps the global mean of a 0/1 error stream and the prefix (cut point) whose mean plus its
 * Hoeffding bound was lowest; signals when the mean since then exceeds it by more than the
 * Hoeffding bound at `driftConfidence` (drift) or `warningConfidence` (warning).
 */
export class HDDM_A implements ChangeDetector {
  readonly options: Readonly<Required<HddmAOptions>>;
  #total: MeanState = { n: 0, mean: 0 };
  #cutMin: MeanState = { n: 0, mean: 0 };
  #cutMax: MeanState = { n: 0, mean: 0 };
  #drift = false;
  #warning = false;

  constructor(options: HddmAOptions = {}) {
    this.options = resolveHddmAOptions(options);
  }

  reset(): void {
    this.#total = { n: 0, mean: 0 };
    this.#cutMin = { n: 0, mean: 0 };
    this.#cutMax = { n: 0, mean: 0 };
    this.#drift = false;
    this.#warning = false;
  }

  #bound(n: number): number {
    return Math.sqrt((1 / (2 * n)) * Math.log(1 / this.options.driftConfidence));
  }

  /** Whether the mean after the cut `cut` differs from it beyond the bound at `confidence`. */
  #changed(cut: MeanState, confidence: number, increase: boolean): boolean {
    const z = this.#total;
    if (cut.n === z.n) return false;
    const m = ((z.n - cut.n) / cut.n) * (1 / z.n);
    const eps = Math.sqrt((m / 2) * Math.log(2 / confidence));
    return increase ? z.mean - cut.mean >= eps : cut.mean - z.mean >= eps;
  }

  update(x: number | boolean): DriftSignal {
    const value = binaryInput('HDDM_A', x);
    if (this.#drift) this.reset();
    const z = this.#total;
    z.n++;
    z.mean += (value - z.mean) / z.n;
    if (this.#cutMin.n === 0) this.#cutMin = { ...z };
    if (this.#cutMax.n === 0) this.#cutMax = { ...z };
    const epsZ = this.#bound(z.n);
    if (this.#cutMin.mean + this.#bound(this.#cutMin.n) >= z.mean + epsZ) this.#cutMin = { ...z };
    if (this.#cutMax.mean - this.#bound(this.#cutMax.n) <= z.mean - epsZ) this.#cutMax = { ...z };

    const { driftConfidence, warningConfidence, twoSidedTest } = this.options;
    if (this.#changed(this.#cutMin, driftConfidence, true)) {
      this.#drift = true;
      this.#warning = false;
    } else {
      this.#drift = false;
      this.#warning = this.#changed(this.#cutMin, warningConfidence, true);
    }
    if (twoSidedTest) {
      if (this.#changed(this.#cutMax, driftConfidence, false)) this.#drift = true;
      else if (this.#changed(this.#cutMax, warningConfidence, false)) this.#warning = true;
    }
    return { drift: this.#drift, warning: this.#warning };
  }
}
