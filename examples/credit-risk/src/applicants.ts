/**
 * Synthetic applicants for the demo's two periods. In the shifted period `income` and
 * `utilization` move (mean shift), `employment_type` changes mix, and the outcome stops
 * following the model (a new economy): drift the collector must see, and a quality drop.
 */
import { logit, type Applicant } from './model.js';

export type Period = 'reference' | 'shifted';

/** Features the shifted period changes; every other feature keeps its distribution. */
export const SHIFTED_FEATURES = ['income', 'utilization', 'employment_type'] as const;

/** Deterministic PRNG (mulberry32). */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const pick = (options: readonly string[], weights: readonly number[]) => {
    let u = uniform();
    for (let i = 0; i < options.length; i++) {
      u -= weights[i]!;
      if (u < 0) return options[i]!;
    }
    return options[options.length - 1]!;
  };
  return { uniform, normal, pick };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const EMPLOYMENT = ['salaried', 'self_employed', 'contractor', 'unemployed'] as const;

export function generateApplicant(
  random: ReturnType<typeof createRandom>,
  period: Period,
): Applicant {
  const shifted = period === 'shifted';
  return {
    age: clamp(42 + 11 * random.normal(), 18, 90),
    income: clamp(55 + 18 * random.normal() + (shifted ? 18 : 0), 5, 400),
    debt_ratio: clamp(0.35 + 0.12 * random.normal(), 0, 1.5),
    credit_history_years: clamp(9 + 5 * random.normal(), 0, 60),
    open_accounts: Math.round(clamp(5 + 2.2 * random.normal(), 0, 30)),
    late_payments: Math.floor(-Math.log(1 - random.uniform()) * 1.0),
    loan_amount: clamp(20 + 9 * random.normal(), 1, 200),
    utilization: clamp(0.4 + 0.15 * random.normal() + (shifted ? 0.15 : 0), 0, 1),
    region: random.pick(['north', 'south', 'east', 'west'], [0.3, 0.3, 0.2, 0.2]),
    employment_type: random.pick(
      EMPLOYMENT,
      shifted ? [0.3, 0.2, 0.2, 0.3] : [0.6, 0.2, 0.15, 0.05],
    ),
    loan_purpose: random.pick(['car', 'home', 'education', 'business'], [0.35, 0.3, 0.15, 0.2]),
  };
}

/**
 * The true outcome (1 = defaulted). In the reference period it follows the model's own
 * log-odds; in the shifted period the drivers change, so the model's ranking degrades.
 */
export function trueOutcome(
  random: ReturnType<typeof createRandom>,
  applicant: Applicant,
  period: Period,
): 0 | 1 {
  const z =
    period === 'reference'
      ? 1.6 * logit(applicant)
      : -0.4 +
        0.9 * (applicant.open_accounts - 5) -
        1.5 * (applicant.late_payments - 1) +
        0.5 * random.normal();
  return random.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
