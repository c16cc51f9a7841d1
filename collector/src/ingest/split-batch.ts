/**
 * Validates an ingest body item by item: valid items go on, each invalid one is reported with
 * its signal, index and the fields at fault. A bad item never sinks the valid ones beside it, nor
 * does one the schema allows but storage cannot take (check-item.ts, shared with the Kafka source).
 */
import {
  SIGNALS,
  validateBatchEnvelope,
  type IngestResult,
  type ValidationIssue,
} from '@driftwatch/schema';
import type { ValidEvents } from '../storage/event-writer.js';
import { checkItem } from './check-item.js';
import { RejectionList } from './rejection-list.js';
import { wellFormed } from './well-formed.js';

export interface SplitBatch {
  readonly resource: Readonly<Record<string, string>>;
  readonly valid: ValidEvents;
  /** The first rejected items, as the answer lists them (see rejection-list.ts). */
  readonly rejected: IngestResult['rejected'];
  /** Rejected items, listed or not. */
  readonly rejectedTotal: number;
  /** Items seen, valid or not. */
  readonly total: number;
}

export type SplitResult =
  { ok: true; batch: SplitBatch } | { ok: false; issues: readonly ValidationIssue[] };

export function splitBatch(body: unknown): SplitResult {
  const envelope = validateBatchEnvelope(body);
  if (!envelope.ok) return { ok: false, issues: envelope.issues };
  const valid: ValidEvents = { predictions: [], labels: [], logs: [], spans: [], metrics: [] };
  const rejected = new RejectionList();
  let total = 0;
  for (const signal of SIGNALS) {
    const items = envelope.value[signal] ?? [];
    total += items.length;
    items.forEach((item, index) => {
      const result = checkItem(signal, item);
      if (result.ok) (valid[signal] as unknown[]).push(result.value);
      else rejected.add(signal, index, result.issues);
    });
  }
  const resource = wellFormed(envelope.value.resource ?? {});
  return {
    ok: true,
    batch: { resource, valid, rejected: rejected.listed, rejectedTotal: rejected.total, total },
  };
}
