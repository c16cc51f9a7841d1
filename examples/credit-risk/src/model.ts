/** A small logistic credit-risk scorer: 8 numeric and 3 categorical features → default risk. */

export interface Applicant {
  age: number;
  income: number;
  debt_ratio: number;
  credit_history_years: number;
  open_accounts: number;
  late_payments: number;
  loan_amount: number;
  utilization: number;
  region: string;
  employment_type: string;
  loan_purpose: string;
}

export const MODEL_NAME = 'credit-risk';
export const MODEL_VERSION = '1.4.0';

const CATEGORY_WEIGHTS: Record<string, Record<string, number>> = {
  region: { north: -0.1, south: 0.1, east: 0, west: 0.05 },
  employment_type: { salaried: -0.3, self_employed: 0.2, contractor: 0.35, unemployed: 0.9 },
  loan_purpose: { car: 0, home: -0.2, education: 0.1, business: 0.3 },
};

/** The model's linear score (log-odds of default). */
export function logit(a: Applicant): number {
  return (
    -0.4 +
    -0.035 * (a.income - 55) +
    2.2 * (a.debt_ratio - 0.35) +
    -0.04 * (a.credit_history_years - 9) +
    0.45 * (a.late_payments - 1) +
    0.012 * (a.loan_amount - 20) +
    1.4 * (a.utilization - 0.4) +
    -0.01 * (a.age - 42) +
    0.02 * (a.open_accounts - 5) +
    (CATEGORY_WEIGHTS.region![a.region] ?? 0) +
    (CATEGORY_WEIGHTS.employment_type![a.employment_type] ?? 0) +
    (CATEGORY_WEIGHTS.loan_purpose![a.loan_purpose] ?? 0)
  );
}

export interface Score {
  /** Probability of default. */
  score: number;
  /** 1 = predicted to default (score ≥ 0.5). */
  prediction: 0 | 1;
}

export function scoreApplicant(applicant: Applicant): Score {
  const score = 1 / (1 + Math.exp(-logit(applicant)));
  return { score, prediction: score >= 0.5 ? 1 : 0 };
}
