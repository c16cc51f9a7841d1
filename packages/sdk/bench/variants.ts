/** The three servers the benchmark compares, and the two routes each of them serves. */

export const VARIANTS = ['bare', 'driftwatch', 'conventional'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  bare: '(a) bare Fastify',
  driftwatch: '(b) Driftwatch fully on',
  conventional: '(c) OTel sdk-node + auto-instr. + Prometheus + pino',
};

export function parseVariant(value: string | undefined): Variant {
  const found = VARIANTS.find((variant) => variant === value);
  if (!found)
    throw new Error(`variant must be one of ${VARIANTS.join(', ')}; got ${String(value)}`);
  return found;
}

export interface Scenario {
  readonly name: 'light' | 'heavy';
  readonly route: string;
  readonly description: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'light', route: '/predict', description: 'logistic regression, 10 features' },
  {
    name: 'heavy',
    route: '/predict-heavy',
    description: 'ensemble calibrated to ~1 ms of CPU per prediction',
  },
];
