/** EDDM, the Early Drift Detection Method (Baena-García et al. 2006), as river.drift.binary.EDDM. */
import { binaryInput } from './input.js';
import { resolveEddmOptions } from './options.js';
import type { EddmOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

/**
 * Watches the distance between consecutive errors of a 0/1 stream: with p' and s' the mean and
 * standard deviation of those distances, it signals warning when (p' + 2s') / max(p' + 2s') < alpha
 * and drift when it is < beta, once both the update count and the error count exceed `warmStart`.
 */
export class EDDM implements ChangeDetector {
  readonly options: Readonly<Required<EddmOptions>>;
  #n = 0;
  #lastError = 0;
  #errors = 0;
  #distanceMean = 0;
  #distanceM2 = 0;
  #p2sMax = -1;
  #drift = false;
  #warning = false;

  constructor(options: EddmOptions = {}) {
    this.options = resolveEddmOptions(options);
  }

  reset(): void {
    this.#n = 0;
    this.#lastError = 0;
    this.#errors = 0;
    this.#distanceMean = 0;
    this.#distanceM2 = 0;
    this.#p2sMax = -1;
    this.#drift = false;
    this.#warning = false;
  }

  update(x: number | boolean): DriftSignal {
    const error = binaryInput('EDDM', x);
    if (this.#drift) this.reset();
    this.#n++;
    if (error === 1) {
      this.#errors++;
      // Welford update of the distance mean and (sample, ddof = 1) variance, as river.stats.Var.
      const distance = this.#n - this.#lastError;
      const delta = distance - this.#distanceMean;
      this.#distanceMean += delta / this.#errors;
      this.#distanceM2 += delta * (distance - this.#distanceMean);
      if (this.#n > this.options.warmStart) {
        const variance = this.#errors > 1 ? this.#distanceM2 / (this.#errors - 1) : 0;
        const p2s = this.#distanceMean + 2 * Math.sqrt(variance);
        if (p2s > this.#p2sMax) {
          this.#p2sMax = p2s;
        } else if (this.#errors > this.options.warmStart) {
          const level = p2s / this.#p2sMax;
          if (level < this.options.beta) this.#drift = true;
          else this.#warning = level < this.options.alpha;
        }
      }
      this.#lastError = this.#n;
    }
    return { drift: this.#drift, warning: this.#warning };
  }
}
