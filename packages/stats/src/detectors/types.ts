/** What every change detector returns and exposes. */

/** The detector's state after one update. */
export interface DriftSignal {
  /** A change was detected at this update (the detector restarts on its next update). */
  readonly drift: boolean;
  /** The detector is in its warning zone (only DDM, EDDM and HDDM_A have one). */
  readonly warning: boolean;
}

export interface ChangeDetector {
  /** Feeds one value; returns whether this update signals drift and/or warning. */
  update(x: number | boolean): DriftSignal;
  /** Forgets everything seen so far (options are kept). */
  reset(): void;
}
