/**
 * Runs the built demo end to end (collector on chDB, instrumented service over the SDK's HTTP
 * transport, traffic, late labels) and checks its verdicts: the shifted features drift, the
 * stable ones do not, and model quality drops.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIFTED_FEATURES } from '../src/applicants.js';
import type { DemoSummary } from '../src/summary.js';

const run = promisify(execFile);
const demoScript = join(import.meta.dirname, '../dist/demo.js');

describe('embedded demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('flags exactly the shifted features and shows the quality drop, twice in a row', async () => {
    for (const attempt of [1, 2]) {
      const { stdout } = await run(process.execPath, [demoScript], {
        env: { ...process.env, DRIFTWATCH_DEMO_DIR: dir },
        timeout: 170_000,
      });
      expect(stdout).toContain('Data drift — credit-risk');
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
      expect(summary.performance.reference.labelled).toBe(2000);
      expect(summary.performance.current.labelled).toBe(2000);
      expect(summary.performance.current.auc!).toBeLessThan(
        summary.performance.reference.auc! - 0.1,
      );
    }
  }, 360_000);
});
