/**
 * `pnpm bench:stats`: ours vs scipy/scikit-learn on the same 1M vs 1M samples, then columnDrift
 * with Evidently's default choices on the 25 columns of the 1M Evidently benchmark dataset.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jensenShannonDistance } from '../src/distribution/jensen-shannon.js';
import { histogramCounts } from '../src/drift/binning.js';
import { columnDrift } from '../src/drift/column-drift.js';
import type { ColumnDriftResult } from '../src/drift/column-drift.js';
import { rocAuc } from '../src/metrics/roc-auc.js';
import { cramerVonMises2samp } from '../src/two-sample/cramer-von-mises.js';
import { wassersteinDistance } from '../src/two-sample/cdf-distance.js';
import { ks2samp } from '../src/two-sample/ks-2samp.js';
import { evidentlyDataset, HELPER, normalSample, PYTHON, writeF64 } from './bench-data.js';
import type { EvidentlyColumns } from './bench-data.js';

const N = 1_000_000;
const N_CVM = 100_000;
const REPEATS = 3;
const ROOT = new URL('../../../', import.meta.url).pathname;
const EVIDENTLY_RESULTS = '/work/shared/evidently-reference/evidently-results/drift_1M.json';

function medianSeconds(f: () => number): { seconds: number; value: number } {
  const times: number[] = [];
  let value = NaN;
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    value = f();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((x, y) => x - y);
  return { seconds: times[Math.floor(REPEATS / 2)] as number, value };
}

/** numpy.histogram_bin_edges(a ∪ b, bins=20) then scipy's jensenshannon of the two histograms. */
function jensenShannon20(a: Float64Array, b: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const x of a)
    if (x < min) min = x;
    else if (x > max) max = x;
  for (const x of b)
    if (x < min) min = x;
    else if (x > max) max = x;
  const edges = new Float64Array(21);
  const step = (max - min) / 20;
  for (let i = 0; i < 20; i++) edges[i] = i * step + min;
  edges[20] = max;
  return jensenShannonDistance(histogramCounts(a, edges), histogramCounts(b, edges));
}

function benchPrimitives(): { worst: number; worstName: string } {
  const a = normalSample(N, 0, 1, 12345);
  const b = normalSample(N, 0.1, 1.1, 67890);
  const noise = normalSample(N, 0, 1, 424242);
  const labels = new Float64Array(N);
  const scores = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    labels[i] = (a[i] as number) > 0.3 ? 1 : 0;
    scores[i] = 0.8 * (labels[i] as number) + (noise[i] as number);
  }
  const a100k = a.slice(0, N_CVM);
  const b100k = b.slice(0, N_CVM);
  const dir = mkdtempSync(join(tmpdir(), 'dw-stats-bench-'));
  let scipy: Record<string, { seconds: number; value: number }>;
  try {
    for (const [name, v] of Object.entries({ a, b, labels, scores, a100k, b100k })) {
      writeF64(join(dir, `${name}.f64`), v);
    }
    scipy = JSON.parse(
      execFileSync(PYTHON, [HELPER, 'time', dir], { encoding: 'utf8' }),
    ) as typeof scipy;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ours: Record<string, () => number> = {
    ks2samp: () => ks2samp(a, b).pValue,
    wassersteinDistance: () => wassersteinDistance(a, b),
    rocAuc: () => rocAuc(labels, scores),
    jensenShannon20: () => jensenShannon20(a, b),
    cramerVonMises2samp: () => cramerVonMises2samp(a100k, b100k).pValue,
  };
  console.log('function               ours s   scipy s   ratio   ours value / scipy value');
  let worst = 0;
  let worstName = '';
  for (const [name, f] of Object.entries(ours)) {
    const mine = medianSeconds(f);
    const ref = scipy[name] as { seconds: number; value: number };
    const ratio = mine.seconds / ref.seconds;
    if (ratio > worst) [worst, worstName] = [ratio, name];
    console.log(
      `${name.padEnd(22)} ${mine.seconds.toFixed(3).padStart(6)}   ${ref.seconds.toFixed(3).padStart(7)}   ${ratio.toFixed(2).padStart(5)}   ${mine.value.toPrecision(10)} / ${ref.value.toPrecision(10)}`,
    );
  }
  return { worst, worstName };
}

interface EvidentlyColumn {
  stattest_name: string;
  drift_detected: boolean;
  drift_score: number;
}

const EVIDENTLY_NAMES: Record<string, string> = {
  wasserstein: 'Wasserstein distance (normed)',
  jensenshannon: 'Jensen-Shannon distance',
};

function driftAllColumns(
  reference: EvidentlyColumns,
  current: EvidentlyColumns,
): Map<string, ColumnDriftResult> {
  const results = new Map<string, ColumnDriftResult>();
  for (const name of reference.names) {
    const numeric = reference.numeric.get(name);
    results.set(
      name,
      numeric
        ? columnDrift(numeric, current.numeric.get(name) as Float64Array, { type: 'numeric' })
        : columnDrift(
            reference.categorical.get(name) as string[],
            current.categorical.get(name) as string[],
            {
              type: 'categorical',
            },
          ),
    );
  }
  return results;
}

/** Median of three full passes over the 25 columns (every pass gives the same results). */
function benchDrift(): { seconds: number; agree: number; total: number } {
  const { reference, current } = evidentlyDataset(join(ROOT, '.bench-data'));
  const expected = (
    JSON.parse(readFileSync(EVIDENTLY_RESULTS, 'utf8')) as {
      columns: Record<string, EvidentlyColumn>;
    }
  ).columns;
  let results = new Map<string, ColumnDriftResult>();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    results = driftAllColumns(reference, current);
    times.push((performance.now() - t) / 1000);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1e6);
  }
  const seconds = times.sort((x, y) => x - y)[Math.floor(REPEATS / 2)] as number;
  let agree = 0;
  console.log('\ncolumn   method          score        evidently score  drifted  evidently  same');
  for (const [name, r] of results) {
    const e = expected[name] as EvidentlyColumn;
    const same = e.drift_detected === r.drifted && e.stattest_name === EVIDENTLY_NAMES[r.method];
    if (same) agree++;
    console.log(
      `${name.padEnd(8)} ${r.method.padEnd(15)} ${r.score.toPrecision(8).padEnd(12)} ${e.drift_score.toPrecision(8).padEnd(16)} ${String(r.drifted).padEnd(8)} ${String(e.drift_detected).padEnd(10)} ${same ? 'yes' : 'NO'}`,
    );
  }
  console.log(
    `columnDrift on 25 columns × 1M rows: ${seconds.toFixed(2)} s wall, median of ${times.map((x) => x.toFixed(2)).join(', ')}; CPU ${cpu.map((x) => x.toFixed(2)).join(', ')} s (Evidently DataDriftPreset: 80 s)`,
  );
  return { seconds, agree, total: results.size };
}

const primitives = benchPrimitives();
const drift = benchDrift();
console.log(
  `stats-bench: worst ratio=${primitives.worst.toFixed(2)} (${primitives.worstName}) drift1M=${drift.seconds.toFixed(2)} decisions=${drift.agree}/${drift.total}`,
);
