/** Aggregates the runs of one scenario per variant and prints them as a table and a summary. */
import type { LoadResult } from './load.js';
import { VARIANT_LABELS, VARIANTS, type Scenario, type Variant } from './variants.js';

export interface RunRecord {
  readonly variant: Variant;
  readonly load: LoadResult;
  /** Server process CPU time during the run (user + system, all threads), microseconds. */
  readonly cpuUs: number;
  /** Prediction requests the server answered during the run. */
  readonly served: number;
}

export interface VariantFigures {
  readonly runs: readonly RunRecord[];
  readonly reqPerS: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
}

export interface ScenarioSummary {
  /** Per variant that ran ((d) only with BENCH_FLOOR=1). */
  readonly figures: Readonly<Partial<Record<Variant, VariantFigures>>>;
  /** b/a requests per second. */
  readonly ratio: number;
  /** c/a requests per second. */
  readonly conventional: number;
  /** Time Driftwatch adds per request as a share of what the conventional stack adds (from req/s). */
  readonly costShare: number;
  /** The same share measured from server CPU time per request. */
  readonly cpuShare: number;
  /** cost_share of each round alone (a, b and c run back to back): shows the host's noise. */
  readonly roundShares: readonly number[];
  /** The cost_share of (d), the hand-written floor, in place of (b); undefined without it. */
  readonly floorShare: number | undefined;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** What b adds per request as a share of what c adds, from requests per second over a. */
function costShare(a: number, b: number, c: number): number {
  return (1 / b - 1 / a) / (1 / c - 1 / a);
}

function figuresOf(runs: readonly RunRecord[]): VariantFigures {
  const served = runs.reduce((sum, run) => sum + run.served, 0);
  const cpuUs = runs.reduce((sum, run) => sum + run.cpuUs, 0);
  return {
    runs,
    reqPerS: mean(runs.map((run) => run.load.reqPerS)),
    p99Ms: mean(runs.map((run) => run.load.p99Ms)),
    cpuUsPerRequest: served > 0 ? cpuUs / served : Number.NaN,
  };
}

export function summarize(runs: readonly RunRecord[]): ScenarioSummary {
  const figures: Partial<Record<Variant, VariantFigures>> = {};
  for (const variant of VARIANTS) {
    const own = runs.filter((run) => run.variant === variant);
    if (own.length > 0) figures[variant] = figuresOf(own);
  }
  const need = (variant: Variant): VariantFigures => {
    const found = figures[variant];
    if (found === undefined) throw new Error(`no runs of variant ${variant}`);
    return found;
  };
  const a = need('bare');
  const b = need('driftwatch');
  const c = need('conventional');
  const d = figures.floor;
  const rounds = Math.min(a.runs.length, b.runs.length, c.runs.length);
  const reqPerS = (f: VariantFigures, round: number): number => f.runs[round]!.load.reqPerS;
  const roundShares = Array.from({ length: rounds }, (_, round) =>
    costShare(reqPerS(a, round), reqPerS(b, round), reqPerS(c, round)),
  );
  return {
    roundShares,
    figures,
    floorShare: d === undefined ? undefined : costShare(a.reqPerS, d.reqPerS, c.reqPerS),
    ratio: b.reqPerS / a.reqPerS,
    conventional: c.reqPerS / a.reqPerS,
    costShare: costShare(a.reqPerS, b.reqPerS, c.reqPerS),
    cpuShare: (b.cpuUsPerRequest - a.cpuUsPerRequest) / (c.cpuUsPerRequest - a.cpuUsPerRequest),
  };
}

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
const signed = (value: number, digits: number): string =>
  (value >= 0 ? '+' : '') + fixed(value, digits);

/** The scenario's table, one row per variant, then the added cost per request. */
export function formatScenario(scenario: Scenario, summary: ScenarioSummary): string {
  const a = summary.figures.bare!;
  const rows = [
    [
      'variant',
      'req/s per run',
      'req/s',
      'vs (a)',
      'p99 ms',
      'CPU µs/req',
      'added CPU µs/req',
      'added µs/req (1/rps)',
    ],
  ];
  for (const variant of VARIANTS) {
    const f = summary.figures[variant];
    if (f === undefined) continue;
    rows.push([
      VARIANT_LABELS[variant],
      f.runs.map((run) => fixed(run.load.reqPerS, 0)).join(' '),
      fixed(f.reqPerS, 0),
      fixed(f.reqPerS / a.reqPerS, 3),
      fixed(f.p99Ms, 1),
      fixed(f.cpuUsPerRequest, 1),
      variant === 'bare' ? '-' : signed(f.cpuUsPerRequest - a.cpuUsPerRequest, 1),
      variant === 'bare' ? '-' : signed(1e6 / f.reqPerS - 1e6 / a.reqPerS, 1),
    ]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  '),
  );
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return [
    `scenario ${scenario.name}: POST ${scenario.route} (${scenario.description})`,
    ...lines,
    `${scenario.name}: cost_share of each round alone: ${summary.roundShares.map((share) => fixed(share, 3)).join(' ')}`,
    `${scenario.name}: ratio=${fixed(summary.ratio, 3)} conventional=${fixed(summary.conventional, 3)} cost_share=${fixed(summary.costShare, 3)} cpu_share=${fixed(summary.cpuShare, 3)}`,
    ...(summary.floorShare === undefined
      ? []
      : [
          `${scenario.name}: the hand-written floor (d) in place of (b): cost_share=${fixed(summary.floorShare, 3)}`,
        ]),
  ].join('\n');
}

/** The benchmark's last line (light route). */
export function finalLine(summary: ScenarioSummary): string {
  return `sdk-bench: ratio=${fixed(summary.ratio, 3)} conventional=${fixed(summary.conventional, 3)} cost_share=${fixed(summary.costShare, 3)}`;
}
