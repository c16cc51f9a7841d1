/** Kullback–Leibler divergence (scipy.stats.entropy with two arguments). */
import { invalidArgument } from '../validate-input.js';
import type { NumericInput } from '../validate-input.js';
import { checkPair, normalized, relEntr } from './probability-vector.js';

/**
 * D(p‖q) = Σ p ln(p/q) after normalizing both vectors; +∞ when q has a zero where p has mass.
 * @example klDivergence([0.5, 0.5], [0.9, 0.1]) // 0.5108...
 */
export function klDivergence(p: NumericInput, q: NumericInput, base?: number): number {
  checkPair(p, q);
  if (base !== undefined && !(base > 0 && base !== 1 && Number.isFinite(base))) {
    throw invalidArgument('base', base, 'a positive finite number other than 1');
  }
  const pn = normalized(p);
  const qn = normalized(q);
  let s = 0;
  for (let i = 0; i < pn.length; i++) s += relEntr(pn[i] as number, qn[i] as number);
  return base === undefined ? s : s / Math.log(base);
}
