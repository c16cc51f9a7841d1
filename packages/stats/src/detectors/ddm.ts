/** DDM, the Drift Detection Method (Gama et al. 2004), as river.drift.binary.DDM. */
import { binaryInput } from './input.js';
import { resolveDdmOptions } from './options.js';
import type { DdmOptions } from './options.js';
import type { ChangeDetector, DriftSignal } from './types.js';

/**
 * Watches a 0/1 error stream (1 = error). With p the running error rate and s = √(p(1−p)/n), it
 * remembers p_min and s_min where p + s was smallest and signals warning when
 * p + s > p_min + 2·s_min and drift when p + s > p_min + 3·s_min (after `warmStart` updates).
 */
export class DDM implements ChangeDetector {
  readonly options: Readonly<Required<DdmOptions>>;
  #n = 0;
  #errors = 0;
  #pMin = Infinity;
  #sMin = Infinity;
  #psMin = Infinity;
  #drift = false;
  #warning = false;

  constructor(options: DdmOptions = {}) {
    this.options = resolveDdmOptions(options);
  }

  reset(): void {
    this.#n = 0;
    this.#errors = 0;
    this.#pMin = Infinity;
    this.#sMin = Infinity;
    this.#psMin = Infinity;
    this.#drift = false;
    this.#warning = false;
  }

  update(x: number | boolean): DriftSignal {
    const error = binaryInput('DDM', x);
    if (this.#drift) this.reset();
    this.#n++;
    this.#errors += error;
    const n = this.#n;
    const p = this.#errors / n;
    const s = Math.sqrt((p * (1 - p)) / n);
    if (n > this.options.warmStart) {
      if (p + s <= this.#psMin) {
        this.#pMin = p;
        this.#sMin = s;
        this.#psMin = p + s;
      }
      this.#warning = p + s > this.#pMin + this.options.warningThreshold * this.#sMin;
      if (p + s > this.#pMin + this.options.driftThreshold * this.#sMin) {
        this.#drift = true;
        this.#warning = false;
      }
    }
    return { drift: this.#drift, warning: this.#warning };
  }
}
