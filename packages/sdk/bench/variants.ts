/**
 * The servers the benchmark compares, and the two routes each of them serves: (a), (b) and (c)
 * always; (d), the hand-written floor (floor-app.ts), when BENCH_FLOOR=1.
 */

export const VARIANTS = ['bare', 'driftwatch', 'conventional', 'floor'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  bare: '(a) bare Fastify',
  driftwatch: '(b) Driftwatch fully on',
  conventional: '(c) OTel sdk-node + auto-instr. + Prometheus + pino',
  floor: '(d) hand-written floor, no SDK',
};

/** The variants of this run: (d) only with BENCH_FLOOR=1. */
export function activeVariants(env: NodeJS.ProcessEnv): readonly Variant[] {
  return env.BENCH_FLOOR === '1' ? VARIANTS : VARIANTS.filter((variant) => variant !== 'floor');
}

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
