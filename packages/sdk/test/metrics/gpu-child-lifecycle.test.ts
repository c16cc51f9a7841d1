/**
 * The nvidia-smi child's edge cases, each with a scripted fake: a restarted child that never
 * prints (a driver stuck from the start), a first child that never prints, rows still in the pipe
 * when the child exits (a dead child's values are not current), a row cut short by the child's
 * death, a restart whose spawn fails (retried once an earlier child has reported), and a child
 * that ignores SIGTERM or hangs (not left running after stop, nor after the host exits without
 * stopping it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { GpuMonitor, type GpuMonitorConfig } from '../../src/metrics/gpu-monitor.js';
import type { GpuSample } from '../../src/metrics/nvidia-smi-csv.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';

const ROW_0 = '0, GPU-aaaaaaaa-0000, NVIDIA H100 80GB HBM3, 37, 1234, 81559, 41, 118.52';
const ROW_1 = '1, GPU-bbbbbbbb-1111, NVIDIA H100 80GB HBM3, 0, 4, 81559, 33, 70.25';

let gpu: GpuMonitor | undefined;
let dir: string | undefined;

afterEach(() => {
  void gpu?.stop();
  gpu = undefined;
  // Children a test left on purpose (one that ignores SIGTERM) must not outlive it.
  for (const pid of dir ? pidsIn(dir) : []) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function pidsIn(folder: string): string[] {
  try {
    return readFileSync(join(folder, 'pids'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * A fake nvidia-smi whose n-th start (1-based, `$RUN`) runs `body` (sh). Every start appends its
 * pid to `pids`; the body sees `$ROW_0`, `$ROW_1`.
 */
function writeFake(body: string): { command: string; pids: () => string[] } {
  const folder = (dir = mkdtempSync(join(tmpdir(), 'dw-smi-life-')));
  const command = join(folder, 'nvidia-smi');
  writeFileSync(
    command,
    `#!/bin/sh
here=$(dirname "$0")
echo $$ >> "$here/pids"
RUN=$(wc -l < "$here/pids" | tr -d ' ')
ROW_0='${ROW_0}'
ROW_1='${ROW_1}'
${body}
`,
  );
  chmodSync(command, 0o755);
  writeFileSync(join(folder, 'pids'), '');
  return { command, pids: () => pidsIn(folder) };
}

function startMonitor(
  command: string,
  logs: LogCapture = captureLogs(),
  extra: Partial<GpuMonitorConfig> = {},
): GpuMonitor {
  gpu = new GpuMonitor({
    command,
    intervalMs: 100,
    diagnostics: createDiagnostics('debug', logs.destination),
    firstRestartDelayMs: 100,
    stableRunMs: 60_000,
    staleAfterMs: 800,
    ...extra,
  });
  gpu.start();
  return gpu;
}

function isRunning(pid: string): boolean {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an nvidia-smi child that never prints', () => {
  it('is killed and replaced when it was restarted after a healthy run', async () => {
    // Run 1 reports then dies; run 2 hangs without a word (a stuck driver); run 3 reports again.
    const fake = writeFake(`
if [ "$RUN" = 1 ]; then printf '%s\\n%s\\n' "$ROW_0" "$ROW_1"; sleep 0.2; exit 1; fi
if [ "$RUN" = 2 ]; then exec sleep 1000; fi
while true; do printf '%s\\n%s\\n' "$ROW_0" "$ROW_1"; sleep 0.1; done
`);
    const monitor = startMonitor(fake.command, captureLogs(), { firstReportTimeoutMs: 800 });
    await waitFor('the silent second child', () => (fake.pids().length >= 2 ? true : undefined));
    await waitFor(
      'the silent child to be replaced',
      () => (fake.pids().length >= 3 ? true : undefined),
      8000,
    );
    await waitFor('GPUs from the third child', () =>
      monitor.devices().length === 2 ? true : undefined,
    );
    await waitFor('the silent child to have ended', () =>
      isRunning(fake.pids()[1] as string) ? undefined : true,
    );
  });

  it('as the first child: one info log, no GPU series, killed, not restarted', async () => {
    const fake = writeFake('exec sleep 1000');
    const logs = captureLogs();
    const monitor = startMonitor(fake.command, logs, { firstReportTimeoutMs: 500 });
    await waitFor(
      'the info log',
      () =>
        logs.lines.some((line) => String(line.msg).includes('no GPU metrics')) ? true : undefined,
      8000,
    );
    await waitFor('the silent child to have ended', () =>
      isRunning(fake.pids()[0] as string) ? undefined : true,
    );
    await sleep(400);
    expect(fake.pids()).toHaveLength(1);
    expect(monitor.devices()).toEqual([]);
    expect(logs.lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
    expect(logs.lines.filter((line) => line.level === 30)).toHaveLength(1);
  });
});

describe('rows of a child that has exited', () => {
  it('are not reported as current, nor is a row cut short by its death', async () => {
    // Run 1: a sweep, then a last write cut mid-number (power 118.52 → 11) as the child dies.
    // Later runs wait silently, so any device seen after the exit is the dead child's.
    const fake = writeFake(`
if [ "$RUN" = 1 ]; then printf '%s\\n%s\\n' "$ROW_0" "$ROW_1"; sleep 0.3; printf '%s' "\${ROW_0%.52}"; exit 1; fi
exec sleep 1000
`);
    // A long first restart delay: between the death and the restart nothing is current.
    const monitor = startMonitor(fake.command, captureLogs(), {
      firstRestartDelayMs: 5000,
      staleAfterMs: 60_000,
    });
    const seen: GpuSample[][] = [];
    await waitFor('two GPUs', () => (monitor.devices().length === 2 ? true : undefined));
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      seen.push([...monitor.devices()]);
      await sleep(5);
    }
    expect(seen.flat().filter((device) => device.powerWatts === 11)).toEqual([]);
    expect(seen.at(-1)).toEqual([]);
  });
});

describe('a restart whose spawn fails', () => {
  // Run 1 reports, then exits when the test says; later runs report on.
  const body = `
if [ "$RUN" = 1 ]; then
  printf '%s\\n%s\\n' "$ROW_0" "$ROW_1"
  while [ ! -e "$here/go" ]; do sleep 0.05; done
  exit 1
fi
while true; do printf '%s\\n%s\\n' "$ROW_0" "$ROW_1"; sleep 0.1; done
`;
  const cases = [
    {
      // The error event path (a package manager replacing the binary).
      what: 'nvidia-smi briefly missing (ENOENT)',
      code: 'ENOENT',
      breakIt: (command: string) => renameSync(command, `${command}.away`),
      repair: (command: string) => renameSync(`${command}.away`, command),
    },
    {
      // spawn() throws for errors other than ENOENT, EACCES, EAGAIN, EMFILE, ENFILE: ETXTBSY or
      // ENOMEM in the field, here a symlink loop (ELOOP), which every Linux kernel reports.
      what: 'a spawn that throws (ELOOP)',
      code: 'ELOOP',
      breakIt: (command: string) => {
        renameSync(command, `${command}.away`);
        symlinkSync(command, command);
      },
      repair: (command: string) => {
        unlinkSync(command);
        renameSync(`${command}.away`, command);
      },
    },
  ];
  for (const { what, code, breakIt, repair } of cases) {
    it(`is retried after a healthy run: ${what}`, async () => {
      const fake = writeFake(body);
      const logs = captureLogs();
      const monitor = startMonitor(fake.command, logs);
      await waitFor('two GPUs', () => (monitor.devices().length === 2 ? true : undefined));
      breakIt(fake.command);
      writeFileSync(join(dir as string, 'go'), '');
      await waitFor('the failed restart', () =>
        logs.lines.some((line) => line.level === 40 && JSON.stringify(line.err).includes(code))
          ? true
          : undefined,
      );
      repair(fake.command);
      await waitFor('GPUs from a later child', () =>
        fake.pids().length >= 2 && monitor.devices().length === 2 ? true : undefined,
      );
      expect(logs.lines.filter((line) => String(line.msg).includes('no GPU metrics'))).toEqual([]);
    });
  }
});

describe('stop', () => {
  it('does not leave a child that ignores SIGTERM running, and resolves once it has exited', async () => {
    const fake = writeFake(`
trap '' TERM
while true; do printf '%s\\n' "$ROW_0"; sleep 0.1; done
`);
    const monitor = startMonitor(fake.command, captureLogs(), { stopTimeoutMs: 300 });
    await waitFor('a GPU', () => (monitor.devices().length === 1 ? true : undefined));
    const [pid] = fake.pids();
    await monitor.stop();
    expect(isRunning(pid as string)).toBe(false);
  });
});

describe('a host that exits without stop', () => {
  it('does not leave a hung child behind', async () => {
    // One sweep, then stuck (a driver that stopped answering) and deaf to SIGTERM.
    const fake = writeFake(`
trap '' TERM
printf '%s\\n' "$ROW_0"
exec sleep 1000
`);
    const moduleUrl = new URL('../../src/metrics/gpu-monitor.ts', import.meta.url).href;
    const diagnosticsUrl = new URL('../../src/logs/diagnostics.ts', import.meta.url).href;
    const code = `
      const { GpuMonitor } = await import(${JSON.stringify(moduleUrl)});
      const { createDiagnostics } = await import(${JSON.stringify(diagnosticsUrl)});
      const gpu = new GpuMonitor({ command: ${JSON.stringify(fake.command)}, intervalMs: 100,
        diagnostics: createDiagnostics('error') });
      gpu.start();
      const until = Date.now() + 10000;
      while (gpu.devices().length === 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 20));
      process.stdout.write('devices=' + gpu.devices().length + '\\n');
      process.exit(0);
    `;
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    host.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    await once(host, 'exit');
    expect(stdout).toBe('devices=1\n');
    const [pid] = fake.pids();
    await waitFor(
      'the hung child to have ended',
      () => (isRunning(pid as string) ? undefined : true),
      3000,
    );
  });
});

describe('a host ended by a signal (handleSignals)', () => {
  // The SDK re-raises the signal once shutdown() resolves; a death by signal emits no 'exit', so
  // neither stop's delayed SIGKILL nor the host-exit kill would run. With the default deadline
  // shutdown waits for the child (SIGKILL after the stop timeout); with a shorter one, or on a
  // second signal, the child is killed before the process ends.

  /** A host with `handleSignals` whose GPU child is `command`, once it has reported a GPU. */
  async function startHost(command: string, shutdownTimeoutMs: number) {
    const indexUrl = new URL('../../src/index.ts', import.meta.url).href;
    const code = `
      const { init } = await import(${JSON.stringify(indexUrl)});
      const monitor = init({
        transport: { type: 'memory' },
        handleSignals: true,
        shutdownTimeoutMs: ${shutdownTimeoutMs},
        logs: { destination: { write: () => undefined } },
        diagnostics: { level: 'error' },
        metrics: { port: 0, host: '127.0.0.1', runtime: false,
          gpu: { command: ${JSON.stringify(command)}, intervalMs: 60000 } },
      }, {});
      const { port } = await monitor.metricsAddress;
      const until = Date.now() + 10000;
      let text = '';
      while (!/^hw_gpu_utilization/m.test(text) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        text = await (await fetch('http://127.0.0.1:' + port + '/metrics')).text();
      }
      setInterval(() => undefined, 1000);
      process.stdout.write(/^hw_gpu_utilization/m.test(text) ? 'ready\\n' : 'no GPU\\n');
    `;
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(host, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let stdout = '';
    for await (const chunk of host.stdout) {
      stdout += String(chunk);
      if (stdout.includes('\n')) break;
    }
    expect(stdout).toBe('ready\n');
    return { host, exited };
  }

  for (const shutdownTimeoutMs of [5000, 200]) {
    it(`does not leave a child that ignores SIGTERM behind (deadline ${shutdownTimeoutMs} ms)`, async () => {
      const fake = writeFake(`
trap '' TERM
printf '%s\\n' "$ROW_0"
exec sleep 1000
`);
      const { host, exited } = await startHost(fake.command, shutdownTimeoutMs);
      const [pid] = fake.pids();
      expect(isRunning(pid as string)).toBe(true);
      host.kill('SIGTERM');
      const [, signal] = await exited;
      expect(signal).toBe('SIGTERM');
      await waitFor(
        'the child to have ended',
        () => (isRunning(pid as string) ? undefined : true),
        3000,
      );
    });
  }

  it('does not leave it behind when a second signal ends the process during the shutdown', async () => {
    // Notes stop's SIGTERM (so the shutdown is under way, waiting for the child) and ignores it.
    const fake = writeFake(`
trap 'touch "$here/got-term"' TERM
printf '%s\\n' "$ROW_0"
while true; do sleep 0.05; done
`);
    const { host, exited } = await startHost(fake.command, 5000);
    const [pid] = fake.pids();
    host.kill('SIGTERM');
    await waitFor('the SIGTERM of stop', () =>
      existsSync(join(dir as string, 'got-term')) ? true : undefined,
    );
    host.kill('SIGTERM');
    const [, signal] = await exited;
    expect(signal).toBe('SIGTERM');
    await waitFor(
      'the child to have ended',
      () => (isRunning(pid as string) ? undefined : true),
      3000,
    );
  });
});
