/** Checked, sorted private copies of the samples the two-sample tests work on. */
import { sortFloat64 } from '../sort-float64.js';
import { finiteSample } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';

/**
 * Validates `values` (at least `min` finite numbers, else EMPTY_SAMPLE / NON_FINITE) and returns
 * a sorted Float64Array copy; large inputs use the package's radix sort.
 */
export function sortedFinite(values: NumericInput, name: string, min = 1): Float64Array {
  return sortFloat64(finiteSample(values, name, min));
}
