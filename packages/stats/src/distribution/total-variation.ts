/** Total variation distance between two discrete distributions. */
import type { NumericInput } from '../validate-input.js';
import { checkPair, normalized } from './probability-vector.js';

/** TVD = ½ Σ |p_i − q_i| after normalizing both vectors (0 ≤ TVD ≤ 1). */
export function totalVariationDistance(p: NumericInput, q: NumericInput): number {
  checkPair(p, q);
  const pn = normalized(p);
  const qn = normalized(q);
  let s = 0;
  for (let i = 0; i < pn.length; i++) s += Math.abs((pn[i] as number) - (qn[i] as number));
  return 0.5 * s;
}
