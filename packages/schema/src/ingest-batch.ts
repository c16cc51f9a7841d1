/**
 * The envelope the HTTP transport posts to `POST /v1/ingest` and the Kafka transport spreads
 * over one topic per signal. Items are validated one by one so that a bad item never sinks
 * the valid ones beside it; the envelope only checks that each signal is an array.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { LabelEvent } from './label.js';
import type { LogRecord } from './log-record.js';
import type { MetricPoint } from './metric-point.js';
import type { PredictionEvent } from './prediction.js';
import type { SpanRecord } from './span.js';
import { Resource } from './common.js';

/** Most items of one signal accepted in one batch. */
export const MAX_BATCH_ITEMS = 10_000;

const Items = Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_ITEMS });

export const IngestBatch = Type.Object(
  {
    /** Resource attributes applied to every item that has none of its own. */
    resource: Type.Optional(Resource),
    predictions: Type.Optional(Items),
    labels: Type.Optional(Items),
    logs: Type.Optional(Items),
    spans: Type.Optional(Items),
    metrics: Type.Optional(Items),
  },
  { additionalProperties: false, $id: 'IngestBatch' },
);
export type IngestBatch = Static<typeof IngestBatch>;

/** The signals an ingest batch (and the Kafka topics) carry. */
export const SIGNALS = ['predictions', 'labels', 'logs', 'spans', 'metrics'] as const;
export type Signal = (typeof SIGNALS)[number];

/** The item type of each signal. */
export interface SignalItem {
  predictions: PredictionEvent;
  labels: LabelEvent;
  logs: LogRecord;
  spans: SpanRecord;
  metrics: MetricPoint;
}

/** The answer of `POST /v1/ingest` (HTTP 202 when at least one item was accepted). */
export interface IngestResult {
  accepted: Record<Signal, number>;
  rejected: Array<{
    signal: Signal;
    index: number;
    issues: Array<{ path: string; message: string }>;
  }>;
  /** Every rejected item, listed or not (the list holds at most the first 1000). */
  rejectedTotal?: number;
}
