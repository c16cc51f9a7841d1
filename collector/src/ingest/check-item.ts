/**
 * One item's admission, the same for every source (HTTP ingest, Kafka): the schema, then what
 * storage could not hold (storable.ts), then lone surrogates replaced (well-formed.ts).
 */
import {
  validateItem,
  type Signal,
  type SignalItem,
  type ValidationIssue,
} from '@driftwatch/schema';
import { storageIssues } from './storable.js';
import { wellFormed } from './well-formed.js';

export type CheckedItem<S extends Signal> =
  | { readonly ok: true; readonly value: SignalItem[S] }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/** The item ready to write, or the issues that name its fields at fault. */
export function checkItem<S extends Signal>(signal: S, item: unknown): CheckedItem<S> {
  const result = validateItem(signal, item);
  if (!result.ok) return result;
  const unstorable = storageIssues(signal, result.value);
  if (unstorable.length > 0) return { ok: false, issues: unstorable };
  return { ok: true, value: wellFormed(result.value) };
}

/** An issue as the ingest answers word it: `/timeUnixMs: Expected number; got "x"`. */
export function describeIssue(issue: ValidationIssue): string {
  return `${issue.path || '(item)'}: ${issue.message}`;
}
