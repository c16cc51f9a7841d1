/**
 * `pnpm bench:stats`: ours vs scipy/scikit-learn on the same 1M vs 1M samples, then columnDrift
 * with Evidently's default choices on the 25 columns of the 1M Evidently benchmark dataset, on
 * one thread and with columnDriftMany on worker threads. Every figure is the minimum of several
 * repetitions, ours and scipy's interleaved, so that load from other jobs shows up in neither.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jensenShannonDistance } from '../src/distribution/jensen-shannon.js';
import { histogramCounts } from '../src/drift/binning.js';
import type { ColumnDriftResult, DriftColumn } from '../dist/index.js';
import { rocAuc } from '../src/metrics/roc-auc.js';
import { cramerVonMises2samp } from '../src/two-sample/cramer-von-mises.js';
import { wassersteinDistance } from '../src/two-sample/cdf-distance.js';
import { ks2samp } from '../src/two-sample/ks-2samp.js';
import { evidentlyDataset, HELPER, normalSample, PYTHON, writeF64 } from './bench-data.js';
import { ScipyServer } from './scipy-server.js';
import type { EvidentlyColumns } from './bench-data.js';

const N = 1_000_000;
const N_CVM = 100_000;
/** Repetitions per function; the minimum counts (the first one also warms the JIT up). */
const REPEATS = 5;
const DRIFT_REPEATS = 3;
const ROOT = new URL('../../../', import.meta.url).pathname;
const EVIDENTLY_RESULTS = '/work/shared/evidently-reference/evidently-results/drift_1M.json';

// columnDriftMany starts workers from the compiled worker module: build dist, then load it.
execFileSync(
  join(ROOT, 'node_modules/.bin/tsc'),
  ['-b', join(ROOT, 'packages/stats/tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
const { columnDrift, columnDriftMany } = await import('../dist/index.js');

function timed<T>(f: () => T): { seconds: number; value: T } {
  const t = performance.now();
  const value = f();
  return { seconds: (performance.now() - t) / 1000, value };
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

async function benchPrimitives(): Promise<{ worst: number; worstName: string }> {
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
  const ours: Record<string, () => number> = {
    ks2samp: () => ks2samp(a, b).pValue,
    wassersteinDistance: () => wassersteinDistance(a, b),
    rocAuc: () => rocAuc(labels, scores),
    jensenShannon20: () => jensenShannon20(a, b),
    cramerVonMises2samp: () => cramerVonMises2samp(a100k, b100k).pValue,
  };
  const dir = mkdtempSync(join(tmpdir(), 'dw-stats-bench-'));
  const best: Record<string, { ours: number; scipy: number; value: number; scipyValue: number }> =
    {};
  try {
    for (const [name, v] of Object.entries({ a, b, labels, scores, a100k, b100k })) {
      writeF64(join(dir, `${name}.f64`), v);
    }
    const scipy = await ScipyServer.start(PYTHON, [HELPER, 'serve', dir]);
    try {
      for (let r = 0; r < REPEATS; r++) {
        for (const [name, f] of Object.entries(ours)) {
          const mine = timed(f);
          const theirs = await scipy.time(name);
          const row = (best[name] ??= { ours: Infinity, scipy: Infinity, value: 0, scipyValue: 0 });
          row.ours = Math.min(row.ours, mine.seconds);
          row.scipy = Math.min(row.scipy, theirs.seconds);
          row.value = mine.value;
          row.scipyValue = theirs.value;
        }
      }
    } finally {
      scipy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `function               ours s   scipy s   ratio   ours value / scipy value  (min of ${REPEATS})`,
  );
  let worst = 0;
  let worstName = '';
  for (const [name, row] of Object.entries(best)) {
    const ratio = row.ours / row.scipy;
    if (ratio > worst) [worst, worstName] = [ratio, name];
    console.log(
      `${name.padEnd(22)} ${row.ours.toFixed(3).padStart(6)}   ${row.scipy.toFixed(3).padStart(7)}   ${ratio.toFixed(2).padStart(5)}   ${row.value.toPrecision(10)} / ${row.scipyValue.toPrecision(10)}`,
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

/** A copy in shared memory: columnDriftMany hands it to a worker without copying. */
function shared(values: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

function driftColumns(reference: EvidentlyColumns, current: EvidentlyColumns): DriftColumn[] {
  return reference.names.map((name) => {
    const numeric = reference.numeric.get(name);
    return numeric
      ? {
          reference: shared(numeric),
          current: shared(current.numeric.get(name) as Float64Array),
          options: { type: 'numeric' },
        }
      : {
          reference: reference.categorical.get(name) as string[],
          current: current.categorical.get(name) as string[],
          options: { type: 'categorical' },
        };
  });
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/**
 * The 25 columns, one thread (columnDrift in a loop) and parallel (columnDriftMany, default
 * workers), interleaved; each the minimum of DRIFT_REPEATS passes. Both give the same results.
 */
async function benchDrift(): Promise<{ seconds: number; agree: number; total: number }> {
  const { reference, current } = evidentlyDataset(join(ROOT, '.bench-data'));
  const columns = driftColumns(reference, current);
  const expected = (
    JSON.parse(readFileSync(EVIDENTLY_RESULTS, 'utf8')) as {
      columns: Record<string, EvidentlyColumn>;
    }
  ).columns;
  let single: ColumnDriftResult[] = [];
  let parallel: ColumnDriftResult[] = [];
  const singleTimes: number[] = [];
  const parallelTimes: number[] = [];
  const parallelCpu: number[] = [];
  for (let r = 0; r < DRIFT_REPEATS; r++) {
    const one = timed(() => columns.map((c) => columnDrift(c.reference, c.current, c.options)));
    single = one.value;
    singleTimes.push(one.seconds);
    const cpu = process.cpuUsage();
    const t = performance.now();
    parallel = await columnDriftMany(columns);
    parallelTimes.push((performance.now() - t) / 1000);
    parallelCpu.push(cpuSeconds(cpu));
  }
  if (JSON.stringify(single) !== JSON.stringify(parallel)) {
    throw new Error('columnDriftMany differs from columnDrift');
  }
  let agree = 0;
  console.log('\ncolumn   method          score        evidently score  drifted  evidently  same');
  reference.names.forEach((name, i) => {
    const r = parallel[i] as ColumnDriftResult;
    const e = expected[name] as EvidentlyColumn;
    const same = e.drift_detected === r.drifted && e.stattest_name === EVIDENTLY_NAMES[r.method];
    if (same) agree++;
    console.log(
      `${name.padEnd(8)} ${r.method.padEnd(15)} ${r.score.toPrecision(8).padEnd(12)} ${e.drift_score.toPrecision(8).padEnd(16)} ${String(r.drifted).padEnd(8)} ${String(e.drift_detected).padEnd(10)} ${same ? 'yes' : 'NO'}`,
    );
  });
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(', ');
  const seconds = Math.min(...parallelTimes);
  console.log(
    `columnDrift on 25 columns × 1M rows, one thread: ${Math.min(...singleTimes).toFixed(2)} s (min of ${fmt(singleTimes)})`,
  );
  console.log(
    `columnDriftMany, ${availableParallelism()} cores: ${seconds.toFixed(2)} s (min of ${fmt(parallelTimes)}; process CPU ${fmt(parallelCpu)} s); same results: yes (Evidently DataDriftPreset: 80 s)`,
  );
  return { seconds, agree, total: columns.length };
}

const primitives = await benchPrimitives();
const drift = await benchDrift();
console.log(
  `stats-bench: worst ratio=${primitives.worst.toFixed(2)} (${primitives.worstName}) drift1M=${drift.seconds.toFixed(2)} decisions=${drift.agree}/${drift.total}`,
);
