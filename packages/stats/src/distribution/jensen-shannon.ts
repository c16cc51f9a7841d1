/** Jensen–Shannon distance (scipy.spatial.distance.jensenshannon). */
import { invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';
import { checkPair, normalized, relEntr } from './probability-vector.js';

/**
 * sqrt(JS divergence) of two weight vectors, each normalized to sum 1. Natural log unless `base`
 * is given; the distance is at most sqrt(ln 2) (natural) or 1 (base 2).
 * @example jensenShannonDistance([1, 0], [0, 1], 2) // 1
 */
export function jensenShannonDistance(p: NumericInput, q: NumericInput, base?: number): number {
  checkPair(p, q);
  if (base !== undefined && !(base > 0 && base !== 1 && Number.isFinite(base))) {
    throw invalidArgument('base', base, 'a positive finite number other than 1');
  }
  const pn = normalized(p);
  const qn = normalized(q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < pn.length; i++) {
    const a = pn[i] as number;
    const b = qn[i] as number;
    const m = (a + b) / 2;
    left += relEntr(a, m);
    right += relEntr(b, m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  // Rounding can leave a tiny negative divergence for identical inputs.
  return Math.sqrt(Math.max(js / 2, 0));
}
