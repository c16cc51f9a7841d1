/**
 * One analysis run: reads the reference and current windows from ClickHouse, computes drift
 * (features, prediction, label) and model quality, records the results (drift_results,
 * performance_results, report_issues: record-results.ts) for dashboards and returns the report.
 */
import { randomUUID } from 'node:crypto';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from '../storage/open-storage.js';
import { storageCall } from '../storage/storage-call.js';
import { analyseDrift, type ColumnDriftResult, type ReportIssue } from './drift-analysis.js';
import { analyseLabelDrift } from './label-drift.js';
import { readLabelledOutcomes } from './labelled-outcomes.js';
import { analysePerformance, type PerformanceResult } from './performance-analysis.js';
import { recordResults } from './record-results.js';
import type { TimeWindow } from './time-window.js';
import {
  countWindowValues,
  OUTPUT_SERIES,
  readWindowSamples,
  type WindowQuery,
} from './window-samples.js';

/**
 * Sampled values one window of a report may hold (8 bytes each as numbers, 160 MB; two windows
 * a report): `maxWindowSamples` caps each feature, not the window, and a model with many
 * features held features × maxWindowSamples values per window, or failed with a 503 once a
 * window's answer outgrew the longest string V8 can hold (about 25 million numbers).
 */
export const MAX_WINDOW_VALUES = 20_000_000;

export interface ReportRequest {
  readonly model: string;
  readonly modelVersion?: string;
  readonly reference: TimeWindow;
  readonly current: TimeWindow;
  /** Share of drifted features from which on (≥) the dataset counts as drifted. @default 0.5 */
  readonly driftShare?: number;
}

export interface ModelReport {
  readonly runId: string;
  readonly computedAtMs: number;
  readonly model: string;
  readonly modelVersion: string | null;
  readonly reference: TimeWindow & { readonly count: number };
  readonly current: TimeWindow & { readonly count: number };
  readonly features: ColumnDriftResult[];
  readonly prediction: ColumnDriftResult | null;
  /** Drift of the labels of the labelled predictions; null when a window has none. */
  readonly label: ColumnDriftResult | null;
  readonly dataset: {
    readonly driftedFeatures: number;
    readonly features: number;
    readonly share: number;
    /** Null when no feature could be compared (an empty window, an unknown model): no verdict. */
    readonly drifted: boolean | null;
  };
  /** What has no result and why: an empty window, a feature not compared (report_issues). */
  readonly issues: ReportIssue[];
  readonly performance: {
    readonly reference: PerformanceResult;
    readonly current: PerformanceResult;
  };
}

/**
 * Fewest values per column a report is still run with: below it the tests say little, and a
 * model that needs it has over MAX_WINDOW_VALUES / 100 feature columns.
 */
export const MIN_COLUMN_SAMPLES = 100;

/**
 * The per-column sample cap a report runs with: `maxSamples`, or, for a model whose features ×
 * maxSamples would exceed `maxWindowValues` in a window, the most that fits (noted in the
 * report's issues). Refuses the report when even MIN_COLUMN_SAMPLES values per column do not fit.
 */
async function fitSampleCap(
  storage: Storage,
  queries: Readonly<Record<'reference' | 'current', WindowQuery>>,
  maxWindowValues: number,
): Promise<{ maxSamples: number; issue?: ReportIssue }> {
  const windows = ['reference', 'current'] as const;
  const sizes = await Promise.all(windows.map((w) => countWindowValues(storage, queries[w])));
  const { maxSamples } = queries.reference;
  const over = windows.findIndex((_, i) => sizes[i]!.values > maxWindowValues);
  if (over === -1) return { maxSamples };
  // Each column, and each output series, holds at most the cap: this many fit in any window.
  const columns = Math.max(...sizes.map((size) => size.columns));
  const cap = Math.min(maxSamples, Math.floor(maxWindowValues / (columns + OUTPUT_SERIES)));
  const window = windows[over]!;
  const values = sizes[over]!.values;
  if (cap >= MIN_COLUMN_SAMPLES) {
    return {
      maxSamples: cap,
      issue: {
        reason: 'reduced-sample',
        window,
        message: `the ${window} window would hold ${values} sampled values (${sizes[over]!.columns} feature columns, each up to maxWindowSamples = ${maxSamples}), more than the ${maxWindowValues} one window may hold: every column of both windows is sampled to at most ${cap} values`,
      },
    };
  }
  throw new CollectorError(
    CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
    `the ${window} window would hold ${values} sampled values (${columns} feature columns, each up to maxWindowSamples = ${maxSamples}), more than the ${maxWindowValues} one window may hold even at ${MIN_COLUMN_SAMPLES} values per column; narrow the report to fewer features`,
    {
      field: window,
      limit: 'maxWindowValues',
      values,
      columns,
      maxWindowValues,
      maxWindowSamples: maxSamples,
    },
  );
}

export async function runModelReport(
  storage: Storage,
  request: ReportRequest,
  maxSamples: number,
  maxWindowValues = MAX_WINDOW_VALUES,
): Promise<ModelReport> {
  const base = {
    model: request.model,
    maxSamples,
    ...(request.modelVersion === undefined ? {} : { modelVersion: request.modelVersion }),
  };
  const fit = await fitSampleCap(
    storage,
    {
      reference: { ...base, window: request.reference },
      current: { ...base, window: request.current },
    },
    maxWindowValues,
  );
  const referenceQuery: WindowQuery = {
    ...base,
    maxSamples: fit.maxSamples,
    window: request.reference,
  };
  const currentQuery: WindowQuery = {
    ...base,
    maxSamples: fit.maxSamples,
    window: request.current,
  };
  const [reference, current, referenceOutcomes, currentOutcomes] = await Promise.all([
    readWindowSamples(storage, referenceQuery),
    readWindowSamples(storage, currentQuery),
    readLabelledOutcomes(storage, referenceQuery),
    readLabelledOutcomes(storage, currentQuery),
  ]);
  const { columns, issues: columnIssues } = analyseDrift(reference, current);
  const label = analyseLabelDrift(
    { reference: referenceOutcomes.labelSample, current: currentOutcomes.labelSample },
    { reference: reference.count, current: current.count },
    columnIssues,
  );
  const subject = `model ${JSON.stringify(request.model)}${request.modelVersion === undefined ? '' : ` version ${JSON.stringify(request.modelVersion)}`}`;
  const issues: ReportIssue[] = [
    ...(['reference', 'current'] as const)
      .filter((window) => (window === 'reference' ? reference : current).count === 0)
      .map((window) => ({
        reason: 'empty-window' as const,
        window,
        message: `the ${window} window holds no prediction of ${subject}: no drift verdict`,
      })),
    ...(fit.issue ? [fit.issue] : []),
    ...columnIssues,
  ];
  const features = columns.filter((c) => c.kind === 'feature');
  const driftedFeatures = features.filter((c) => c.drifted).length;
  const share = features.length === 0 ? 0 : driftedFeatures / features.length;
  const report: ModelReport = {
    runId: randomUUID(),
    computedAtMs: Date.now(),
    model: request.model,
    modelVersion: request.modelVersion ?? null,
    reference: { ...request.reference, count: reference.count },
    current: { ...request.current, count: current.count },
    features,
    prediction: columns.find((c) => c.kind === 'prediction') ?? null,
    label,
    dataset: {
      driftedFeatures,
      features: features.length,
      share,
      // `false` read as "checked, no drift" when nothing was compared.
      drifted: features.length === 0 ? null : share >= (request.driftShare ?? 0.5),
    },
    issues,
    performance: {
      reference: analysePerformance(referenceOutcomes),
      current: analysePerformance(currentOutcomes),
    },
  };
  await recordResults(storage, report);
  return report;
}

export interface ModelSummary {
  readonly model: string;
  readonly modelVersion: string;
  readonly predictions: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** Models with data, per version, with their prediction counts and time range. */
export async function listModels(storage: Storage): Promise<ModelSummary[]> {
  const rows = await storageCall('listing models', async () => {
    const result = await storage.client.query({
      query: `SELECT model, model_version, count(), toUnixTimestamp64Milli(min(timestamp)), toUnixTimestamp64Milli(max(timestamp))
            FROM ${storage.table('predictions')} FINAL GROUP BY model, model_version ORDER BY model, model_version`,
      format: 'JSONCompactEachRow',
    });
    return result.json<[string, string, string, string, string]>();
  });
  return rows.map(([model, modelVersion, count, first, last]) => ({
    model,
    modelVersion,
    predictions: Number(count),
    firstMs: Number(first),
    lastMs: Number(last),
  }));
}

/**
 * Prediction ids with a label for a model, its own or one logged without a model (for waiting on
 * late labels): an id labelled both ways counts once.
 */
export async function countLabels(storage: Storage, model: string): Promise<number> {
  const rows = await storageCall('counting labels', async () => {
    const result = await storage.client.query({
      query: `SELECT uniqExact(prediction_id) FROM ${storage.table('labels')} FINAL WHERE model IN ({model:String}, '')`,
      query_params: { model },
      format: 'JSONCompactEachRow',
    });
    return result.json<[string]>();
  });
  return Number(rows[0]?.[0] ?? 0);
}
