/** Validation of the values fed to change detectors. */
import { StatsError, StatsErrorCodes } from '../errors.js';

/** A finite number (booleans count as 0/1); NaN/±Infinity → NON_FINITE. */
export function finiteInput(detector: string, x: unknown): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x !== 'number') {
    throw new StatsError(
      StatsErrorCodes.INVALID_ARGUMENT,
      `${detector}.update expects a number, got ${typeof x}`,
      {
        detector,
      },
    );
  }
  if (!Number.isFinite(x)) {
    throw new StatsError(StatsErrorCodes.NON_FINITE, `${detector}.update got ${x}`, {
      detector,
      value: x,
    });
  }
  return x;
}

/** A 0/1 error indicator (true/false accepted); anything else → INVALID_LABEL. */
export function binaryInput(detector: string, x: unknown): 0 | 1 {
  const value = finiteInput(detector, x);
  if (value !== 0 && value !== 1) {
    throw new StatsError(
      StatsErrorCodes.INVALID_LABEL,
      `${detector} monitors a stream of errors and expects 0 (correct) or 1 (error), got ${value}`,
      { detector, value },
    );
  }
  return value;
}
