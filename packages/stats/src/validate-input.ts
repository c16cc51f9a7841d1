/** Input checks shared by every public function: they turn bad input into a typed StatsError. */
import { StatsError, StatsErrorCodes } from './errors.js';

/** A numeric sample: a plain array or a typed array. */
export type NumericInput = ArrayLike<number>;

/** Throws EMPTY_SAMPLE when `values` has fewer than `min` entries. */
export function assertMinLength(values: ArrayLike<unknown>, name: string, min = 1): void {
  if (values.length < min) {
    throw new StatsError(
      StatsErrorCodes.EMPTY_SAMPLE,
      `${name} must hold at least ${min} value(s), got ${values.length}`,
      { argument: name, length: values.length, expected: min },
    );
  }
}

/** Throws NON_FINITE naming the first NaN/±Infinity of `values`. */
export function assertFinite(values: NumericInput, name: string): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    // v - v is NaN for NaN and ±Infinity and for non-numbers: one check covers all of them.
    if (typeof v !== 'number' || v - v !== 0) {
      throw new StatsError(
        StatsErrorCodes.NON_FINITE,
        `${name}[${i}] must be a finite number, got ${String(v)}`,
        { argument: name, index: i, value: String(v) },
      );
    }
  }
}

/** Checks a numeric sample and returns a private Float64Array copy of it. */
export function finiteSample(values: NumericInput, name: string, min = 1): Float64Array {
  assertMinLength(values, name, min);
  assertFinite(values, name);
  return Float64Array.from(values);
}

/** Checks a numeric sample and returns a sorted private copy. */
export function sortedSample(values: NumericInput, name: string, min = 1): Float64Array {
  return finiteSample(values, name, min).sort();
}

/** Throws LENGTH_MISMATCH when two paired inputs differ in length. */
export function assertSameLength(
  a: ArrayLike<unknown>,
  b: ArrayLike<unknown>,
  nameA: string,
  nameB: string,
): void {
  if (a.length !== b.length) {
    throw new StatsError(
      StatsErrorCodes.LENGTH_MISMATCH,
      `${nameA} (length ${a.length}) and ${nameB} (length ${b.length}) must have the same length`,
      { argument: `${nameA}, ${nameB}`, lengths: [a.length, b.length] },
    );
  }
}

/** Checks binary labels (0/1 or booleans) and returns them as a Uint8Array. */
export function binaryLabels(labels: ArrayLike<number | boolean>, name: string): Uint8Array {
  assertMinLength(labels, name);
  const n = labels.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) {
      throw new StatsError(
        StatsErrorCodes.INVALID_LABEL,
        `${name}[${i}] must be 0 or 1, got ${String(v)}`,
        { argument: name, index: i, value: String(v) },
      );
    }
  }
  return out;
}

/** Throws INVALID_ARGUMENT with a message that names the argument, the value and the expectation. */
export function invalidArgument(name: string, value: unknown, expected: string): StatsError {
  return new StatsError(
    StatsErrorCodes.INVALID_ARGUMENT,
    `${name} must be ${expected}, got ${String(value)}`,
    { argument: name, value: String(value), expected },
  );
}

/** Checks that every value is a probability in [0, 1]. */
export function assertProbabilities(values: NumericInput, name: string): void {
  assertFinite(values, name);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v > 1) throw invalidArgument(`${name}[${i}]`, v, 'a probability in [0, 1]');
  }
}
