/** Population Stability Index. */
import { invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';
import { checkPair } from './probability-vector.js';

/**
 * PSI = Σ (ref_i − cur_i) · ln(ref_i / cur_i) over bin shares, taken as given (Evidently's
 * formula). Every share must be positive: replace empty bins first (see `binShares`).
 * @example psi([0.5, 0.5], [0.4, 0.6]) // 0.0405...
 */
export function psi(referenceShares: NumericInput, currentShares: NumericInput): number {
  checkPair(referenceShares, currentShares, 'referenceShares', 'currentShares');
  let value = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const r = referenceShares[i] as number;
    const c = currentShares[i] as number;
    if (r === 0) throw invalidArgument(`referenceShares[${i}]`, r, 'a positive share');
    if (c === 0) throw invalidArgument(`currentShares[${i}]`, c, 'a positive share');
    value += (r - c) * Math.log(r / c);
  }
  return value;
}
