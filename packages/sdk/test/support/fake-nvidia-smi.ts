/**
 * Test helper: writes a fake `nvidia-smi` (a Node script) that answers
 * `--query-gpu=<fields> --format=csv,noheader,nounits -lms N` with recorded H100 values, in the
 * order of the queried fields, one sweep every N ms. A control file picks the behaviour:
 * `2` (two GPUs), `1` (GPU 1 gone), `die` (one sweep, then exit 1), `nodriver` (the message
 * nvidia-smi prints without a driver, exit 9), `hang` (alive but silent, as nvidia-smi is when
 * the driver stops answering). Every start appends its pid to `pids` and its
 * time (ms since the epoch) to `starts`, so tests can see how far apart restarts come.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FakeGpuMode = '2' | '1' | 'die' | 'nodriver' | 'hang';

export interface FakeNvidiaSmi {
  /** Directory holding `nvidia-smi` (put it first on PATH) */
  readonly dir: string;
  /** Absolute path of the script (for `metrics.gpu.command`). */
  readonly command: string;
  setMode(mode: FakeGpuMode): void;
  /** pids of every start so far. */
  pids(): string[];
  /** When each start so far happened (Date.now() in the child, in order). */
  starts(): number[];
  /** Arguments of the latest start. */
  lastArgs(): string[];
  remove(): void;
}

/** Recorded from `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` on an 2×H100 host. */
export const RECORDED_GPUS = [
  {
    index: '0',
    uuid: 'GPU-5b1f2a3c-0d4e-4f5a-9b6c-7d8e9f0a1b2c',
    name: 'NVIDIA H100 80GB HBM3',
    'utilization.gpu': '37',
    'memory.used': '1234',
    'memory.total': '81559',
    'temperature.gpu': '41',
    'power.draw': '118.52',
  },
  {
    index: '1',
    uuid: 'GPU-9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f',
    name: 'NVIDIA H100 80GB HBM3',
    'utilization.gpu': '0',
    'memory.used': '4',
    'memory.total': '81559',
    'temperature.gpu': '33',
    'power.draw': '[N/A]',
  },
] as const;

const SCRIPT = `#!/usr/bin/env node
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const here = __dirname;
const gpus = JSON.parse(readFileSync(join(here, 'gpus.json'), 'utf8'));
const args = process.argv.slice(2);
appendFileSync(join(here, 'pids'), process.pid + '\\n');
appendFileSync(join(here, 'starts'), Date.now() + '\\n');
writeFileSync(join(here, 'args.json'), JSON.stringify(args));
const query = args.find((a) => a.startsWith('--query-gpu='));
const lms = args.indexOf('-lms');
if (!query || !args.includes('--format=csv,noheader,nounits') || lms === -1) {
  process.stderr.write('unexpected arguments\\n');
  process.exit(2);
}
const fields = query.slice('--query-gpu='.length).split(',');
const intervalMs = Number(args[lms + 1]);
const mode = () => readFileSync(join(here, 'mode'), 'utf8').trim();
if (mode() === 'nodriver') {
  process.stdout.write("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\\n");
  process.exit(9);
}
function sweep() {
  const current = mode();
  if (current === 'hang') return;
  const shown = current === '1' ? gpus.slice(0, 1) : gpus;
  process.stdout.write(shown.map((gpu) => fields.map((f) => gpu[f] ?? '[N/A]').join(', ') + '\\n').join(''));
  if (current === 'die') process.exit(1);
}
sweep();
setInterval(sweep, intervalMs);
`;

export function writeFakeNvidiaSmi(mode: FakeGpuMode = '2'): FakeNvidiaSmi {
  const dir = mkdtempSync(join(tmpdir(), 'dw-fake-smi-'));
  const command = join(dir, 'nvidia-smi');
  writeFileSync(command, SCRIPT);
  chmodSync(command, 0o755);
  // The script is CommonJS: keep it away from the workspace's "type": "module".
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}');
  writeFileSync(join(dir, 'gpus.json'), JSON.stringify(RECORDED_GPUS));
  writeFileSync(join(dir, 'mode'), mode);
  writeFileSync(join(dir, 'pids'), '');
  writeFileSync(join(dir, 'starts'), '');
  return {
    dir,
    command,
    setMode: (next) => writeFileSync(join(dir, 'mode'), next),
    pids: () => readFileSync(join(dir, 'pids'), 'utf8').split('\n').filter(Boolean),
    starts: () => readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean).map(Number),
    lastArgs: () => JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as string[],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
