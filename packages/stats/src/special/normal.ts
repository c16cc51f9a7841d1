/** Standard normal distribution through the complementary error function. */
import { gammaP, gammaQ } from './gamma.js';

/** Complementary error function, relative accuracy ≈ 1e-15 including the far tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  const x2 = x * x;
  return x2 < 1.5 ? 1 - gammaP(0.5, x2) : gammaQ(0.5, x2);
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return z < 0 ? 0.5 * erfc(-z / Math.SQRT2) : 1 - 0.5 * erfc(z / Math.SQRT2);
}

/** 1 − Φ(z), accurate for large z. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}
