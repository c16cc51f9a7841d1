/**
 * What a wrong binary at `metrics.gpu.command` may print must not grow the host's memory: a line
 * that never ends is skipped up to its newline (not held until the string limit throws into the
 * host), and rows of ever new device indexes end their sweep at 64 devices.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { GpuMonitor } from '../../src/metrics/gpu-monitor.js';
import { captureLogs } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';

let gpu: GpuMonitor | undefined;
let dir: string | undefined;

afterEach(async () => {
  await gpu?.stop();
  gpu = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts a monitor on a shell script standing in for nvidia-smi (its arguments ignored). */
function monitorOf(script: string): GpuMonitor {
  dir = mkdtempSync(join(tmpdir(), 'dw-odd-smi-'));
  const command = join(dir, 'nvidia-smi');
  writeFileSync(command, `#!/bin/sh\n${script}\n`);
  chmodSync(command, 0o755);
  gpu = new GpuMonitor({
    command,
    intervalMs: 100,
    diagnostics: createDiagnostics('debug', captureLogs().destination),
  });
  gpu.start();
  return gpu;
}

const ROW = (index: number | string) => `${index}, GPU-${index}, Fake GPU, 10, 1, 2, 30, 40`;

it('skips a line far over a device row and reads the rows after it', async () => {
  const monitor = monitorOf(
    [
      // 2 MB with no newline, then the rest of that line, then device rows.
      `head -c 2000000 /dev/zero | tr '\\0' x`,
      `printf ', 5, 5, 5, 5, 5\\n'`,
      `while :; do printf '${ROW(0)}\\n'; sleep 0.1; done`,
    ].join('\n'),
  );
  const devices = await waitFor('the row after the long line', () => {
    const now = monitor.devices();
    return now.length > 0 ? now : undefined;
  });
  expect(devices.map((device) => device.uuid)).toEqual(['GPU-0']);
});

it('ends a sweep of ever new device indexes at 64 devices', async () => {
  const rows = Array.from({ length: 200 }, (_, index) => ROW(index)).join('\\n');
  const monitor = monitorOf(`printf '${rows}\\n'; exec sleep 30`);
  const devices = await waitFor('a published sweep', () => {
    const now = monitor.devices();
    return now.length > 0 ? now : undefined;
  });
  expect(devices).toHaveLength(64);
  expect(devices[0]?.index).toBe('0');
});
