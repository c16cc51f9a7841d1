/**
 * Runs the built demo end to end (collector on chDB, instrumented service over the SDK's HTTP
 * transport, traffic, late labels) and checks its verdicts: the shifted features drift, the
 * stable ones do not, and model quality drops. Then follows what it prints: the collector command
 * and the API calls that read the demo's data once the demo has stopped its own collector.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIFTED_FEATURES } from '../src/applicants.js';
import type { DemoSummary } from '../src/summary.js';

const run = promisify(execFile);
const demoScript = join(import.meta.dirname, '../dist/demo.js');
const collectorCli = join(import.meta.dirname, '../../../collector/dist/cli.js');

/** Starts `driftwatch serve` with `args`; resolves with its URL and a stop function. */
async function startCollector(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [collectorCli, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^\{"event":"listening".*$/m.exec(out)?.[0];
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`collector exited before it listened: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('embedded demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let lastStdout = '';

  it('flags exactly the shifted features and shows the quality drop, twice in a row', async () => {
    for (const attempt of [1, 2]) {
      const { stdout } = await run(process.execPath, [demoScript], {
        env: { ...process.env, DRIFTWATCH_DEMO_DIR: dir },
        timeout: 170_000,
      });
      expect(stdout).toContain('Data drift — credit-risk');
      lastStdout = stdout;
      const summary = JSON.parse(
        readFileSync(join(dir, 'demo-summary.json'), 'utf8'),
      ) as DemoSummary;
      expect(summary.features).toHaveLength(11);
      const drifted = summary.features
        .filter((f) => f.drifted)
        .map((f) => f.name)
        .sort();
      expect(drifted, `attempt ${attempt}`).toEqual([...SHIFTED_FEATURES].sort());
      for (const feature of summary.features) {
        expect(['wasserstein', 'jensenshannon']).toContain(feature.test);
        expect(feature.threshold).toBe(0.1);
      }
      // Both windows have late labels: their own drift is tested (0/1 labels read as numbers).
      expect(summary.label).not.toBeNull();
      expect(summary.label!.type).toBe('numeric');
      expect(summary.performance.reference.labelled).toBe(2000);
      expect(summary.performance.current.labelled).toBe(2000);
      expect(summary.performance.current.auc!).toBeLessThan(
        summary.performance.reference.auc! - 0.1,
      );
    }
  }, 360_000);

  // The demo's own collector is gone when it prints; what it prints must reach the data anyway.
  it('prints a collector command and API calls that read the demo data after it exits', async () => {
    const command = /^ +pnpm collector --chdb-path (\S+)$/m.exec(lastStdout);
    expect(command?.[1], lastStdout).toBe(join(dir, 'data'));
    const models = /^ +curl -s (http:\/\/\S+\/v1\/models)$/m.exec(lastStdout)?.[1];
    const report = /^ +curl -s -X POST (http:\/\/\S+\/v1\/reports) .* -d '(.+)'$/m.exec(lastStdout);
    expect(models, lastStdout).toBe('http://127.0.0.1:7070/v1/models');
    expect(report?.[1]).toBe('http://127.0.0.1:7070/v1/reports');
    const summary = JSON.parse(readFileSync(join(dir, 'demo-summary.json'), 'utf8')) as DemoSummary;

    // Any free port instead of 7070, which another process on a test host may hold.
    const collector = await startCollector(['--chdb-path', command![1]!, '--port', '0']);
    try {
      const listed = (await (
        await fetch(models!.replace('http://127.0.0.1:7070', collector.url))
      ).json()) as {
        models: Array<{ model: string }>;
      };
      expect(listed.models.map((m) => m.model)).toContain(summary.model);
      const response = await fetch(report![1]!.replace('http://127.0.0.1:7070', collector.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: report![2],
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        reference: { count: number };
        current: { count: number };
        dataset: { driftedFeatures: number };
      };
      expect(body.reference.count).toBe(summary.reference.count);
      expect(body.current.count).toBe(summary.current.count);
      expect(body.dataset.driftedFeatures).toBe(SHIFTED_FEATURES.length);
    } finally {
      await collector.stop();
    }
  });

  // `pnpm collector` (what the demo suggests) holds the data directory the next demo run needs.
  it('says why when its collector cannot start, not only where the log is', async () => {
    const busyDir = mkdtempSync(join(tmpdir(), 'driftwatch-demo-busy-'));
    const holder = await startCollector(['--chdb-path', join(busyDir, 'data'), '--port', '0']);
    try {
      const failed = await run(process.execPath, [demoScript], {
        env: { ...process.env, DRIFTWATCH_DEMO_DIR: busyDir },
        timeout: 120_000,
      }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain('collector exited with code 1 before it started');
      expect(failed?.stderr).toContain('DW_COLLECTOR_STORAGE_FAILED');
      expect(failed?.stderr).toContain(
        'Another server instance in same directory is already running',
      );
    } finally {
      await holder.stop();
      rmSync(busyDir, { recursive: true, force: true });
    }
  });
});
