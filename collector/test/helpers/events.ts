/** Valid events for collector tests. */
import type {
  LabelEvent,
  LogRecord,
  MetricPoint,
  PredictionEvent,
  SpanRecord,
} from '@driftwatch/schema';

export function prediction(overrides: Partial<PredictionEvent> = {}): PredictionEvent {
  return {
    predictionId: `p-${Math.random().toString(36).slice(2)}`,
    model: 'credit-risk',
    modelVersion: '1.0.0',
    timeUnixMs: Date.UTC(2026, 10, 26, 10, 0, 0),
    features: { age: 41, income: 52000.5, region: 'north', has_mortgage: true, employer: null },
    prediction: 1,
    score: 0.81,
    ...overrides,
  };
}

export function label(
  predictionId: string,
  value: 0 | 1,
  timeUnixMs = Date.UTC(2026, 10, 26, 11),
): LabelEvent {
  return { predictionId, model: 'credit-risk', label: value, timeUnixMs };
}

export const logRecord: LogRecord = {
  timeUnixNano: '1795687200123456789',
  severityNumber: 9,
  severityText: 'INFO',
  body: 'scored applicant',
  attributes: { request_id: 'req-1', 'http.route': '/predict' },
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
};

export const spanRecord: SpanRecord = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'POST /predict',
  kind: 'SERVER',
  startTimeUnixNano: '1795687200000000000',
  endTimeUnixNano: '1795687200002500000',
  attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 },
  status: { code: 'OK' },
};

export const metricPoint: MetricPoint = {
  name: 'http.server.request.duration',
  unit: 's',
  type: 'histogram',
  timeUnixNano: '1795687200000000000',
  attributes: { 'http.route': '/predict' },
  count: 3,
  sum: 0.012,
  explicitBounds: [0.005, 0.01],
  bucketCounts: [2, 1, 0],
};
