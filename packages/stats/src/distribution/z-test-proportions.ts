/** Two-proportion z-test with a pooled proportion (the test Evidently calls `z`). */
import { normalSf } from '../special/normal.js';
import { invalidArgument } from '../validate-input.js';

export interface ZTestResult {
  readonly statistic: number;
  readonly pValue: number;
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw invalidArgument(name, value, `an integer count in [0, ${max}]`);
  }
}

/**
 * z = (p1 − p2) / sqrt(P(1 − P)(1/n1 + 1/n2)) with P the pooled share; two-sided p-value.
 * When both samples hold one and the same outcome (P ∈ {0, 1}) the test is undefined and the
 * result is { statistic: 0, pValue: 1 }.
 */
export function zTestProportions(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
): ZTestResult {
  checkCount('n1', n1, Number.MAX_SAFE_INTEGER);
  checkCount('n2', n2, Number.MAX_SAFE_INTEGER);
  if (n1 === 0) throw invalidArgument('n1', n1, 'at least 1');
  if (n2 === 0) throw invalidArgument('n2', n2, 'at least 1');
  checkCount('successes1', successes1, n1);
  checkCount('successes2', successes2, n2);
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: 2 * normalSf(Math.abs(statistic)) };
}
