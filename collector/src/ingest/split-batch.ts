/**
 * Validates an ingest body item by item: valid items go on, each invalid one is reported with
 * its signal, index and the fields at fault. A bad item never sinks the valid ones beside it.
 */
import {
  SIGNALS,
  validateBatchEnvelope,
  validateItem,
  type IngestResult,
  type ValidationIssue,
} from '@driftwatch/schema';
import type { ValidEvents } from '../storage/event-writer.js';

export interface SplitBatch {
  readonly resource: Readonly<Record<string, string>>;
  readonly valid: ValidEvents;
  readonly rejected: IngestResult['rejected'];
  /** Items seen, valid or not. */
  readonly total: number;
}

export type SplitResult =
  { ok: true; batch: SplitBatch } | { ok: false; issues: readonly ValidationIssue[] };

export function splitBatch(body: unknown): SplitResult {
  const envelope = validateBatchEnvelope(body);
  if (!envelope.ok) return { ok: false, issues: envelope.issues };
  const valid: ValidEvents = { predictions: [], labels: [], logs: [], spans: [], metrics: [] };
  const rejected: IngestResult['rejected'] = [];
  let total = 0;
  for (const signal of SIGNALS) {
    const items = envelope.value[signal] ?? [];
    total += items.length;
    items.forEach((item, index) => {
      const result = validateItem(signal, item);
      if (result.ok) (valid[signal] as unknown[]).push(result.value);
      else rejected.push({ signal, index, issues: [...result.issues] });
    });
  }
  return { ok: true, batch: { resource: envelope.value.resource ?? {}, valid, rejected, total } };
}
