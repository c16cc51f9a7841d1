/**
 * Restart backoff of the nvidia-smi child, with a fake nvidia-smi that crashes after one sweep; a
 * child that stops reporting (its last values must not stay on as if current); a spawn that fails
 * for want of file descriptors (retried, not given up).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { GpuMonitor } from '../../src/metrics/gpu-monitor.js';
import { writeFakeNvidiaSmi, type FakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { captureLogs } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';

// Short delays keep the test quick; the production defaults are 1 s and 60 s.
const FIRST_RESTART_DELAY_MS = 250;
const STABLE_RUN_MS = 500;
// Only the stall test shortens this (default 3 × 100 + 5000 ms): a busy host must not trip it.
const STALE_AFTER_MS = 600;

let gpu: GpuMonitor | undefined;
let fake: FakeNvidiaSmi | undefined;

afterEach(() => {
  void gpu?.stop();
  gpu = undefined;
  fake?.remove();
  fake = undefined;
});

function startMonitor(command: string, staleAfterMs?: number): GpuMonitor {
  gpu = new GpuMonitor({
    command,
    intervalMs: 100,
    diagnostics: createDiagnostics('debug', captureLogs().destination),
    firstRestartDelayMs: FIRST_RESTART_DELAY_MS,
    stableRunMs: STABLE_RUN_MS,
    ...(staleAfterMs === undefined ? {} : { staleAfterMs }),
  });
  gpu.start();
  return gpu;
}

describe('nvidia-smi restarts', () => {
  it('back off further each time a child dies after one sweep', async () => {
    const current = (fake = writeFakeNvidiaSmi('die'));
    startMonitor(current.command);
    const starts = await waitFor(
      'four starts',
      () => {
        const all = current.starts();
        return all.length >= 4 ? all : undefined;
      },
      10_000,
    );
    const gaps = [1, 2, 3].map((i) => (starts[i] as number) - (starts[i - 1] as number));
    // Each gap is a restart delay plus a child's start-up (slower on a busy host, so only lower
    // bounds are checked): the delays double, 250, 500, 1000 ms. At a fixed 250 ms the later gaps
    // would need start-ups of 250 and 750 ms to pass.
    expect(gaps[0]).toBeGreaterThanOrEqual(FIRST_RESTART_DELAY_MS);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * FIRST_RESTART_DELAY_MS);
    expect(gaps[2]).toBeGreaterThanOrEqual(4 * FIRST_RESTART_DELAY_MS);
  });

  it('start the backoff over after a healthy run', async () => {
    const current = (fake = writeFakeNvidiaSmi('die'));
    const monitor = startMonitor(current.command);
    // Four quick starts: the next restart would wait 2000 ms or more.
    await waitFor('four starts', () => (current.starts().length >= 4 ? true : undefined), 10_000);
    current.setMode('2');
    await waitFor('a child that has run healthily past the threshold', () => {
      const lastStart = current.starts().at(-1) as number;
      return monitor.devices().length === 2 && Date.now() - lastStart > STABLE_RUN_MS + 200
        ? true
        : undefined;
    });
    const startsBefore = current.starts().length;
    const diedFrom = Date.now();
    current.setMode('die'); // the healthy child exits after its next sweep (≤ 100 ms)
    const restartedAt = await waitFor('the restart', () => current.starts()[startsBefore]);
    // The first delay (250 ms) plus a sweep and a start-up, not the grown delay (≥ 2000 ms).
    expect(restartedAt - diedFrom).toBeLessThan(1500);
  });
});

describe('a silent nvidia-smi', () => {
  it('drops the devices it last reported, then replaces the child', async () => {
    const current = (fake = writeFakeNvidiaSmi('2'));
    const monitor = startMonitor(current.command, STALE_AFTER_MS);
    await waitFor('two GPUs', () => (monitor.devices().length === 2 ? true : undefined));
    const [firstPid] = current.pids();
    current.setMode('hang'); // alive, but no sweep any more (a driver that stopped answering)
    await waitFor('the stale devices to go', () =>
      monitor.devices().length === 0 ? true : undefined,
    );
    await waitFor('the silent child to be replaced', () =>
      current.pids().length >= 2 ? true : undefined,
    );
    await waitFor('the silent child to have ended', () => {
      try {
        process.kill(Number(firstPid), 0);
        return undefined;
      } catch {
        return true;
      }
    });
    current.setMode('2');
    await waitFor('GPUs again from the new child', () =>
      monitor.devices().length === 2 ? true : undefined,
    );
  });
});

describe('a spawn that fails for a passing reason', () => {
  it('is retried once descriptors are free again (EMFILE emits no exit)', async () => {
    const current = (fake = writeFakeNvidiaSmi('2'));
    const moduleUrl = new URL('../../src/metrics/gpu-monitor.ts', import.meta.url).href;
    const diagnosticsUrl = new URL('../../src/logs/diagnostics.ts', import.meta.url).href;
    // In a child with few descriptors: fill them, start (the spawn fails), free them, wait.
    const code = `
      import { closeSync, openSync } from 'node:fs';
      const { GpuMonitor } = await import(${JSON.stringify(moduleUrl)});
      const { createDiagnostics } = await import(${JSON.stringify(diagnosticsUrl)});
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}
      const gpu = new GpuMonitor({ command: ${JSON.stringify(current.command)}, intervalMs: 100,
        diagnostics: createDiagnostics('debug'), firstRestartDelayMs: 100 });
      gpu.start();
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const fd of held) closeSync(fd);
      const until = Date.now() + 10000;
      while (gpu.devices().length === 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 50));
      process.stdout.write('devices=' + gpu.devices().length + '\\n');
      gpu.stop();
    `;
    const child = spawn(
      'sh',
      [
        '-c',
        'ulimit -n 128 && exec "$0" --import tsx --input-type=module -e "$DW_CODE"',
        process.execPath,
      ],
      { env: { ...process.env, DW_CODE: code }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    await once(child, 'exit');
    // The failed spawn was seen (so the test did exercise it), then a later start reported GPUs.
    expect(stderr).toContain('EMFILE');
    expect(stdout).toBe('devices=2\n');
  });
});
