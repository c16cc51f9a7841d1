/**
 * Records one report for dashboards: a drift_results row per compared column (features, then the
 * prediction, then the label), performance_results rows per window and metric, and a
 * report_issues row per issue (migration 0007), all under the report's run id.
 */
import type { Storage } from '../storage/open-storage.js';
import { storageCall } from '../storage/storage-call.js';
import type { ModelReport } from './model-report.js';

const METRICS = ['auc', 'precision', 'recall', 'f1'] as const;

export async function recordResults(storage: Storage, report: ModelReport): Promise<void> {
  const common = {
    run_id: report.runId,
    computed_at: report.computedAtMs,
    model: report.model,
    model_version: report.modelVersion ?? '',
  };
  const windows = {
    reference_from: report.reference.fromMs,
    reference_to: report.reference.toMs,
    current_from: report.current.fromMs,
    current_to: report.current.toMs,
  };
  const columns = [
    ...report.features,
    ...(report.prediction ? [report.prediction] : []),
    ...(report.label ? [report.label] : []),
  ];
  const performanceRows = (['reference', 'current'] as const).flatMap((window) => {
    const result = report.performance[window];
    return METRICS.map((metric) => ({
      ...common,
      window_name: window,
      window_from: report[window].fromMs,
      window_to: report[window].toMs,
      metric,
      value: result[metric],
      labelled: result.labelled,
    }));
  });
  await storageCall('recording the report', () =>
    Promise.all([
      storage.client.insert({
        table: storage.table('drift_results'),
        format: 'JSONEachRow',
        values: columns.map((c) => ({
          ...common,
          ...windows,
          column_name: c.name,
          column_kind: c.kind,
          column_type: c.type,
          method: c.test,
          score: c.score,
          threshold: c.threshold,
          drifted: c.drifted ? 1 : 0,
          reference_count: c.referenceCount,
          current_count: c.currentCount,
        })),
      }),
      storage.client.insert({
        table: storage.table('performance_results'),
        format: 'JSONEachRow',
        values: performanceRows,
      }),
      storage.client.insert({
        table: storage.table('report_issues'),
        format: 'JSONEachRow',
        values: report.issues.map((issue, position) => ({
          ...common,
          ...windows,
          position,
          reason: issue.reason,
          window_name: issue.window ?? '',
          column_name: issue.column ?? '',
          column_kind: issue.kind ?? '',
          message: issue.message,
        })),
      }),
    ]),
  );
}
