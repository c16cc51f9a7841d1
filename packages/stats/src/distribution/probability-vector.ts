/** Validation and normalization of discrete distributions given as weights or counts. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import {
  assertFinite,
  assertMinLength,
  assertSameLength,
  invalidArgument,
} from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/** Checks two weight vectors of equal length with non-negative entries and positive sums. */
export function checkPair(p: NumericInput, q: NumericInput, nameP = 'p', nameQ = 'q'): void {
  assertMinLength(p, nameP);
  assertMinLength(q, nameQ);
  assertSameLength(p, q, nameP, nameQ);
  assertFinite(p, nameP);
  assertFinite(q, nameQ);
  checkWeights(p, nameP);
  checkWeights(q, nameQ);
}

function checkWeights(v: NumericInput, name: string): void {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (x < 0) throw invalidArgument(`${name}[${i}]`, x, 'a non-negative weight');
    sum += x;
  }
  if (sum === 0) {
    throw new StatsError(StatsErrorCodes.EMPTY_SAMPLE, `${name} must have a positive sum`, {
      argument: name,
    });
  }
}

/** v / Σv as a new Float64Array (the sum is a plain left-to-right sum, like numpy's for short vectors). */
export function normalized(v: NumericInput): Float64Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] as number;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) / sum;
  return out;
}

/** x·ln(x/y) with scipy's rel_entr conventions (0 for x = 0, +∞ for y = 0 < x). */
export function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}
