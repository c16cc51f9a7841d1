/**
 * A small, deterministic world for the dashboards' SQL: two hours of credit-risk predictions
 * (two model versions) with late labels, logs and spans of two services, and three analysis
 * runs in drift_results / performance_results shaped as the collector's model report writes them.
 */
import type { LabelEvent, LogRecord, PredictionEvent, SpanRecord } from '@driftwatch/schema';

export const MODEL = 'credit-risk';
export const MODEL_VERSIONS = ['1.3.0', '1.4.0'] as const;
export const SERVICES = ['credit-risk-api', 'fraud-api'] as const;
const NUMERIC = ['age', 'income', 'debt_ratio', 'utilization'] as const;
const CATEGORICAL = ['region', 'loan_purpose'] as const;

export interface SeedEvents {
  predictions: PredictionEvent[];
  labels: LabelEvent[];
  logs: LogRecord[];
  spans: SpanRecord[];
  metrics: [];
}

/** mulberry32: the same rows on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (next: () => number, length: number) =>
  Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** Events of the two hours before `nowMs`, as the SDK would send them. */
export function seedEvents(nowMs: number): SeedEvents {
  const next = random(42);
  const events: SeedEvents = { predictions: [], labels: [], logs: [], spans: [], metrics: [] };
  for (let i = 0; i < 240; i++) {
    const timeUnixMs = nowMs - 2 * 3600_000 + i * 30_000;
    const score = next();
    const predictionId = `p-${i}`;
    const traceId = hex(next, 32);
    const spanId = hex(next, 16);
    events.predictions.push({
      predictionId,
      model: MODEL,
      modelVersion: MODEL_VERSIONS[i % 2]!,
      timeUnixMs,
      features: {
        ...Object.fromEntries(NUMERIC.map((name) => [name, Math.round(next() * 1000) / 10])),
        ...Object.fromEntries(CATEGORICAL.map((name) => [name, next() < 0.5 ? 'a' : 'b'])),
      },
      prediction: score >= 0.5 ? 1 : 0,
      score,
      requestId: `req-${i}`,
      traceId,
      spanId,
      serviceName: SERVICES[0],
    });
    // Two predictions in three are labelled, 5 to 30 minutes later (some after "now").
    if (i % 3 !== 0) {
      events.labels.push({
        predictionId,
        model: MODEL,
        label: next() < score ? 1 : 0,
        timeUnixMs: timeUnixMs + (5 + (i % 26)) * 60_000,
      });
    }
    const service = SERVICES[i % 2]!;
    const failed = i % 17 === 0;
    events.spans.push({
      traceId,
      spanId,
      name: 'POST /predict',
      kind: 'SERVER',
      startTimeUnixNano: nanos(timeUnixMs),
      endTimeUnixNano: nanos(timeUnixMs + 2 + next() * 200),
      attributes: { 'http.route': '/predict', 'http.response.status_code': failed ? 500 : 200 },
      status: { code: failed ? 'ERROR' : 'UNSET' },
      resource: { 'service.name': service },
    });
    events.logs.push({
      timeUnixNano: nanos(timeUnixMs + 1),
      severityNumber: failed ? 17 : 9,
      severityText: failed ? 'ERROR' : 'INFO',
      body: failed ? 'scoring failed' : 'scored applicant',
      attributes: {
        request_id: `req-${i}`,
        ...(failed ? { 'exception.type': 'RangeError' } : { score }),
      },
      traceId,
      spanId,
      resource: { 'service.name': service },
    });
  }
  return events;
}

/** Three analysis runs, 30 minutes apart; the last one sees drift in two features. */
export function seedAnalysisRuns(nowMs: number): { drift: object[]; performance: object[] } {
  const drift: object[] = [];
  const performance: object[] = [];
  for (let run = 0; run < 3; run++) {
    const computedAt = nowMs - (90 - run * 30) * 60_000;
    const common = {
      run_id: `run-${run}`,
      computed_at: computedAt,
      model: MODEL,
      model_version: '1.4.0',
    };
    const windows = {
      reference: [computedAt - 4 * 3600_000, computedAt - 2 * 3600_000],
      current: [computedAt - 3600_000, computedAt],
    } as const;
    const columns = [
      ...NUMERIC.map((name) => ({
        name,
        kind: 'feature',
        type: 'numeric',
        method: 'ks',
        threshold: 0.05,
      })),
      ...CATEGORICAL.map((name) => ({
        name,
        kind: 'feature',
        type: 'categorical',
        method: 'chisquare',
        threshold: 0.05,
      })),
      { name: 'score', kind: 'prediction', type: 'numeric', method: 'ks', threshold: 0.05 },
    ];
    for (const [index, column] of columns.entries()) {
      const drifted = run === 2 && (column.name === 'income' || column.name === 'region');
      drift.push({
        ...common,
        reference_from: windows.reference[0],
        reference_to: windows.reference[1],
        current_from: windows.current[0],
        current_to: windows.current[1],
        column_name: column.name,
        column_kind: column.kind,
        column_type: column.type,
        method: column.method,
        score: drifted ? 0.001 : 0.2 + index / 20,
        threshold: column.threshold,
        drifted: drifted ? 1 : 0,
        reference_count: 1000,
        current_count: 500,
      });
    }
    for (const [window, [from, to]] of Object.entries(windows)) {
      const degrade = window === 'current' ? run * 0.05 : 0;
      const values = {
        auc: 0.86 - degrade,
        precision: 0.71 - degrade,
        recall: 0.64 - degrade,
        f1: 0.67 - degrade,
      };
      for (const [metric, value] of Object.entries(values)) {
        performance.push({
          ...common,
          window_name: window,
          window_from: from,
          window_to: to,
          metric,
          value,
          labelled: 300,
        });
      }
    }
  }
  return { drift, performance };
}
