/** Restart backoff of the nvidia-smi child, with a fake nvidia-smi that crashes after one sweep. */
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { GpuMonitor } from '../../src/metrics/gpu-monitor.js';
import { writeFakeNvidiaSmi, type FakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { captureLogs } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';

// Short delays keep the test quick; the production defaults are 1 s and 60 s.
const FIRST_RESTART_DELAY_MS = 250;
const STABLE_RUN_MS = 500;

let gpu: GpuMonitor | undefined;
let fake: FakeNvidiaSmi | undefined;

afterEach(() => {
  gpu?.stop();
  gpu = undefined;
  fake?.remove();
  fake = undefined;
});

function startMonitor(command: string): GpuMonitor {
  gpu = new GpuMonitor({
    command,
    intervalMs: 100,
    diagnostics: createDiagnostics('debug', captureLogs().destination),
    firstRestartDelayMs: FIRST_RESTART_DELAY_MS,
    stableRunMs: STABLE_RUN_MS,
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
