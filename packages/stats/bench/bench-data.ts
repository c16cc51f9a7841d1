/** Data for stats-bench: seeded samples, binary float64 files, and the cached Evidently 1M dataset. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
export const HELPER = new URL('./scipy-timings.py', import.meta.url).pathname;
const MAKE_DATA = '/work/shared/evidently-reference/make-data.py';

/** Deterministic normal samples (xorshift32 + Box–Muller). */
export function normalSample(n: number, mean: number, std: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = mean + std * r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(t);
  }
  return out;
}

export function writeF64(path: string, values: Float64Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function readTyped(path: string): Buffer {
  return readFileSync(path);
}

export interface EvidentlyColumns {
  readonly names: readonly string[];
  readonly numeric: ReadonlyMap<string, Float64Array>;
  readonly categorical: ReadonlyMap<string, string[]>;
}

function loadSide(dir: string): EvidentlyColumns {
  const names = JSON.parse(readFileSync(join(dir, 'columns.json'), 'utf8')) as string[];
  const numeric = new Map<string, Float64Array>();
  const categorical = new Map<string, string[]>();
  for (const name of names) {
    if (existsSync(join(dir, `${name}.f64`))) {
      const buf = readTyped(join(dir, `${name}.f64`));
      numeric.set(
        name,
        new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)),
      );
    } else {
      const labels = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as string[];
      const codes = readTyped(join(dir, `${name}.u8`));
      categorical.set(
        name,
        Array.from(codes, (c) => labels[c] as string),
      );
    }
  }
  return { names, numeric, categorical };
}

/**
 * The 1M-row reference and current sets of make-data.py, generated once (≈ 1 min) and cached
 * as binary columns under `.bench-data/`.
 */
export function evidentlyDataset(root: string): {
  reference: EvidentlyColumns;
  current: EvidentlyColumns;
} {
  const csvDir = join(root, 'evidently');
  const binDir = join(root, 'evidently-1M-bin');
  const sides = ['reference', 'current'] as const;
  if (!sides.every((s) => existsSync(join(binDir, s, 'columns.json')))) {
    mkdirSync(csvDir, { recursive: true });
    if (!sides.every((s) => existsSync(join(csvDir, `${s}_1M.csv`)))) {
      console.log('generating the 1M dataset with make-data.py (about a minute, cached)…');
      execFileSync(PYTHON, [MAKE_DATA, csvDir, '1M'], { stdio: 'inherit' });
    }
    for (const s of sides) {
      execFileSync(PYTHON, [HELPER, 'convert', join(csvDir, `${s}_1M.csv`), join(binDir, s)], {
        stdio: 'inherit',
      });
    }
  }
  return {
    reference: loadSide(join(binDir, 'reference')),
    current: loadSide(join(binDir, 'current')),
  };
}
