/**
 * The model every benchmark variant serves: a logistic regression over ten numeric features, and
 * a heavier ensemble of perturbed copies of it whose size is calibrated to about 1 ms of CPU.
 */
import { performance } from 'node:perf_hooks';

export type Features = Record<string, number>;

export const MODEL_NAME = 'credit-risk';
export const MODEL_VERSION = '1.4.0';

export const FEATURE_NAMES: readonly string[] = [
  'age',
  'income',
  'debt_ratio',
  'open_accounts',
  'late_payments',
  'utilization',
  'tenure_months',
  'inquiries',
  'savings',
  'employment_years',
];
const WEIGHTS: readonly number[] = [
  0.012, 0.00002, -1.8, 0.05, -0.6, -1.1, 0.004, -0.15, 0.00003, 0.07,
];
const BIAS = -0.4;

/** One request body's features (the same for every request: the load generator replays it). */
export const SAMPLE_FEATURES: Readonly<Features> = Object.freeze({
  age: 41,
  income: 58_000,
  debt_ratio: 0.31,
  open_accounts: 6,
  late_payments: 1,
  utilization: 0.42,
  tenure_months: 84,
  inquiries: 2,
  savings: 12_500,
  employment_years: 9,
});

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Probability of the positive class. */
export function score(features: Readonly<Features>): number {
  let z = BIAS;
  for (let i = 0; i < FEATURE_NAMES.length; i += 1) {
    z += (WEIGHTS[i] as number) * (features[FEATURE_NAMES[i] as string] ?? 0);
  }
  return sigmoid(z);
}

/** Mean probability of `members` perturbed copies of the model (CPU-bound by design). */
export function ensembleScore(features: Readonly<Features>, members: number): number {
  const x = FEATURE_NAMES.map((name) => features[name] ?? 0);
  let sum = 0;
  for (let k = 0; k < members; k += 1) {
    let z = BIAS + k * 1e-9;
    for (let i = 0; i < x.length; i += 1) {
      z += (WEIGHTS[i] as number) * (x[i] as number) * (1 + ((k + i) % 7) * 1e-3);
    }
    sum += sigmoid(z);
  }
  return sum / members;
}

/** How many ensemble members take about `targetMs` of CPU on this machine. */
export function calibrateEnsembleMembers(targetMs: number): number {
  let members = 1000;
  for (let round = 0; round < 6; round += 1) {
    const calls = 20;
    const started = performance.now();
    let sink = 0;
    for (let i = 0; i < calls; i += 1) sink += ensembleScore(SAMPLE_FEATURES, members);
    const perCallMs = (performance.now() - started) / calls;
    if (!(sink > 0) || perCallMs <= 0) break;
    members = Math.max(1, Math.round((members * targetMs) / perCallMs));
  }
  return members;
}
