/**
 * A run's issues are recorded with it in report_issues, one row per issue, also for a run that
 * compared nothing (an empty window, an unknown model: no drift_results row to carry them);
 * migration 0007 can run again over its own table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/model-report.js';
import { loadMigrations, migrate } from '../../src/storage/migrate.js';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { prediction } from '../helpers/events.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const REFERENCE = { from: T0, to: T0 + HOUR };
const CURRENT = { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR };

interface IssueRow {
  run_id: string;
  model: string;
  model_version: string;
  reason: string;
  window_name: string;
  column_name: string;
  column_kind: string;
  message: string;
}

describe('recorded report issues', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_recorded_issues');
    // "zip" numeric in the reference and text in the current window; no labels.
    const predictions = Array.from({ length: 50 }, (_, i) => [
      prediction({
        predictionId: `ref-${i}`,
        model: 'pricing',
        timeUnixMs: REFERENCE.from + i * 1000,
        features: { zip: 10_000 + (i % 7), age: 20 + (i % 40) },
      }),
      prediction({
        predictionId: `cur-${i}`,
        model: 'pricing',
        timeUnixMs: CURRENT.from + i * 1000,
        features: { zip: `Z${i % 7}`, age: 20 + (i % 40) },
      }),
    ]).flat();
    expect((await ingest.post({ predictions })).json()).toMatchObject({ rejectedTotal: 0 });
  });
  afterAll(() => ingest.close());

  const report = async (body: object): Promise<ModelReport> => {
    const response = await ingest.collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: { reference: REFERENCE, current: CURRENT, ...body },
    });
    expect(response.statusCode).toBe(200);
    return response.json<ModelReport>();
  };

  const recorded = (runId: string) =>
    ingest.rows<IssueRow>(
      `SELECT run_id, model, model_version, reason, window_name, column_name, column_kind, message
       FROM {report_issues} WHERE run_id = '${runId}' ORDER BY position`,
    );

  it('records each issue of a run, in the report’s order', async () => {
    const result = await report({ model: 'pricing' });
    expect(result.issues.map((i) => i.reason)).toContain('type-mismatch');
    const rows = await recorded(result.runId);
    expect(rows).toEqual(
      result.issues.map((issue) => ({
        run_id: result.runId,
        model: 'pricing',
        model_version: '',
        reason: issue.reason,
        window_name: issue.window ?? '',
        column_name: issue.column ?? '',
        column_kind: issue.kind ?? '',
        message: issue.message,
      })),
    );
  });

  it('records the issues of a run that compared nothing', async () => {
    const result = await report({ model: 'no-such-model', modelVersion: '2' });
    expect(
      await ingest.rows(`SELECT 1 FROM {drift_results} WHERE run_id = '${result.runId}'`),
    ).toEqual([]);
    const rows = await recorded(result.runId);
    expect(rows.map((r) => [r.reason, r.window_name, r.model, r.model_version])).toEqual([
      ['empty-window', 'reference', 'no-such-model', '2'],
      ['empty-window', 'current', 'no-such-model', '2'],
    ]);
    expect(rows[0]!.message).toContain('"no-such-model"');
  });

  it('can apply migration 0007 again', async () => {
    const issues = loadMigrations().find((m) => m.version === 7)!;
    expect(issues).toBeDefined();
    const again = await migrate(ingest.collector.storage, [{ ...issues, version: 9007 }]);
    expect(again.applied).toEqual([9007]);
  });
});
