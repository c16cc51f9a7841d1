/** The demo's summary: a readable table for the terminal and the JSON written beside it. */
import type { ModelReport, PerformanceResult } from '@driftwatch/collector';

export interface DemoSummary {
  model: string;
  modelVersion: string | null;
  reference: { fromMs: number; toMs: number; count: number };
  current: { fromMs: number; toMs: number; count: number };
  features: Array<{
    name: string;
    type: string;
    test: string;
    score: number;
    threshold: number;
    drifted: boolean;
  }>;
  prediction: {
    name: string;
    type: string;
    test: string;
    score: number;
    threshold: number;
    drifted: boolean;
  } | null;
  /** Drift of the late labels themselves (null when a window has none). */
  label: DemoSummary['prediction'];
  dataset: ModelReport['dataset'];
  performance: {
    reference: {
      auc: number | null;
      precision: number | null;
      recall: number | null;
      labelled: number;
    };
    current: {
      auc: number | null;
      precision: number | null;
      recall: number | null;
      labelled: number;
    };
  };
}

const column = (c: {
  name: string;
  type: string;
  test: string;
  score: number;
  threshold: number;
  drifted: boolean;
}) => ({
  name: c.name,
  type: c.type,
  test: c.test,
  score: c.score,
  threshold: c.threshold,
  drifted: c.drifted,
});

const quality = (p: PerformanceResult) => ({
  auc: p.auc,
  precision: p.precision,
  recall: p.recall,
  labelled: p.labelled,
});

export function toSummary(report: ModelReport): DemoSummary {
  return {
    model: report.model,
    modelVersion: report.modelVersion,
    reference: report.reference,
    current: report.current,
    features: report.features.map(column),
    prediction: report.prediction ? column(report.prediction) : null,
    label: report.label ? column(report.label) : null,
    dataset: report.dataset,
    performance: {
      reference: quality(report.performance.reference),
      current: quality(report.performance.current),
    },
  };
}

const fixed = (x: number | null, digits = 4) => (x === null ? '—' : x.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSummary(summary: DemoSummary): string {
  const columns = [
    ...summary.features,
    ...(summary.prediction
      ? [{ ...summary.prediction, name: `${summary.prediction.name} (prediction)` }]
      : []),
    ...(summary.label ? [{ ...summary.label, name: 'label (late labels)' }] : []),
  ];
  const drift = table(
    ['feature', 'type', 'test', 'score', 'threshold', 'drifted'],
    columns.map((c) => [
      c.name,
      c.type,
      c.test,
      fixed(c.score),
      String(c.threshold),
      c.drifted ? 'DRIFT' : 'no',
    ]),
  );
  const { reference, current } = summary.performance;
  const performance = table(
    ['metric', 'reference', 'current'],
    (['auc', 'precision', 'recall'] as const)
      .map((m) => [m, fixed(reference[m]), fixed(current[m])])
      .concat([['labelled', String(reference.labelled), String(current.labelled)]]),
  );
  return [
    `Data drift — ${summary.model}: current window (${summary.current.count} predictions) vs reference (${summary.reference.count})`,
    drift,
    `dataset drift: ${summary.dataset.driftedFeatures}/${summary.dataset.features} features drifted (share ${summary.dataset.share.toFixed(2)})`,
    '',
    'Model quality with late labels (reference → current)',
    performance,
  ].join('\n');
}
