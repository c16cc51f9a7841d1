/** Hellinger distance between two discrete distributions. */
import type { NumericInput } from '../validate-input.js';
import { checkPair, normalized } from './probability-vector.js';

/**
 * H(p, q) = sqrt(1 − Σ sqrt(p_i q_i)) after normalizing both vectors (0 ≤ H ≤ 1), the form
 * Evidently uses for categorical columns.
 */
export function hellingerDistance(p: NumericInput, q: NumericInput): number {
  checkPair(p, q);
  const pn = normalized(p);
  const qn = normalized(q);
  let bc = 0;
  for (let i = 0; i < pn.length; i++) bc += Math.sqrt((pn[i] as number) * (qn[i] as number));
  return Math.sqrt(1 - Math.min(Math.max(bc, 0), 1));
}
