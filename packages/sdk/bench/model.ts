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

const ENSEMBLE_WEIGHTS = Float64Array.from(WEIGHTS);

/**
 * Mean probability of `members` perturbed copies of the model (CPU-bound by design). Allocates
 * nothing per member: typed arrays and the sigmoid written inline. With `sigmoid(z)` called,
 * whether V8 inlined it (or boxed each result in a heap number, ~200 KB per request) varied from
 * one server process to the next: 13 to 78 scavenges for the same 9,000 requests, each one dearer
 * in a process that holds more live objects, which made the heavy rounds noise.
 */
export function ensembleScore(features: Readonly<Features>, members: number): number {
  const x = new Float64Array(FEATURE_NAMES.length);
  for (let i = 0; i < x.length; i += 1) x[i] = features[FEATURE_NAMES[i] as string] ?? 0;
  let sum = 0;
  for (let k = 0; k < members; k += 1) {
    let z = BIAS + k * 1e-9;
    for (let i = 0; i < x.length; i += 1) {
      z += (ENSEMBLE_WEIGHTS[i] as number) * (x[i] as number) * (1 + ((k + i) % 7) * 1e-3);
    }
    sum += 1 / (1 + Math.exp(-z));
  }
  return sum / members;
}

/**
 * How many ensemble members take about `targetMs` of CPU on this machine, as the servers run it
 * once warm. `ensembleScore` is first run long enough for V8 to optimize it, then its CPU time
 * per member is averaged over a second. The former calibration (six rounds of 20 calls, 86 ms in
 * all, from cold) gave 11,100–15,600 members from one run to the next where about 17,000 take
 * 1 ms, so the "~1 ms" route cost 0.65–1.0 ms (0.79 ms in a bench run); on the 2-core VM the
 * cost of this code also drifts by ±25% in phases of a few hundred ms, which short rounds
 * caught one at a time. CPU time, not wall time: a host that preempts the driver must not
 * shrink the route.
 */
export function calibrateEnsembleMembers(targetMs: number): number {
  const probeMembers = 5000;
  let sink = 0;
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) sink += ensembleScore(SAMPLE_FEATURES, probeMembers);
  let calls = 0;
  const before = process.cpuUsage();
  const measureUntil = performance.now() + 1000;
  while (performance.now() < measureUntil) {
    sink += ensembleScore(SAMPLE_FEATURES, probeMembers);
    calls += 1;
  }
  const used = process.cpuUsage(before);
  const msPerMember = (used.user + used.system) / 1000 / (calls * probeMembers);
  if (!(sink > 0) || !(msPerMember > 0)) throw new Error('could not calibrate the heavy route');
  return Math.max(1, Math.round(targetMs / msPerMember));
}
