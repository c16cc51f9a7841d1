/**
 * Diagnostic text for a prediction or label the schema refused. For the fields that are a union
 * of scalars (a feature value, the prediction, the label) the schema's issue reads "Expected union
 * value", which names neither the types allowed nor, for a string, its length limit; those issues
 * are written here from the value itself. Runs only for a refused item, never per call.
 */
import type { ValidationIssue } from '@driftwatch/schema';
import { describeValue } from '../errors.js';
import { issueText } from '../pipeline/issue-text.js';

const FEATURE_EXPECTED = 'a finite number, a string of at most 1024 characters, a boolean or null';
const VALUE_EXPECTED = 'a finite number, a string of at most 1024 characters or a boolean';
const FEATURES_PREFIX = '/features/';

/** The schema's union of scalars: true for a value it accepts. */
function isScalarValue(value: unknown, nullable: boolean): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return value.length <= 1024;
  return typeof value === 'boolean' || (nullable && value === null);
}

/** A refused value: a string only ever for its length, which is what the reader needs. */
function describeRefused(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  // Not its digits: a bigint feature is often an account or user id.
  if (typeof value === 'bigint') return 'a bigint';
  if (value === undefined) return 'nothing';
  // "an object" leaves the caller wondering: a signup date is a common feature.
  if (value instanceof Date) return 'a Date (getTime() gives its milliseconds)';
  return describeValue(value);
}

/**
 * `path: expected …; got …` when `value` is what the union at `path` refused, else undefined
 * (the schema's issue is then about something else and is kept).
 */
function scalarIssue(path: string, value: unknown, nullable: boolean): string | undefined {
  if (isScalarValue(value, nullable)) return undefined;
  const expected = nullable ? FEATURE_EXPECTED : VALUE_EXPECTED;
  return `${path}: expected ${expected}; got ${describeRefused(value)}`;
}

/** The first issue of a refused prediction sample, e.g. `/features/city: expected …; got a string of 2000 characters`. */
export function predictionIssueText(
  issues: readonly ValidationIssue[],
  prediction: unknown,
  features: unknown,
): string {
  const path = issues[0]?.path;
  let text: string | undefined;
  if (path === '/prediction') text = scalarIssue(path, prediction, false);
  else if (path?.startsWith(FEATURES_PREFIX) === true && typeof features === 'object') {
    // A JSON pointer segment (RFC 6901); names the schema refuses are reported at /features.
    const name = path.slice(FEATURES_PREFIX.length).replace(/~1/g, '/').replace(/~0/g, '~');
    const record = features as Record<string, unknown> | null;
    if (record !== null && Object.hasOwn(record, name))
      text = scalarIssue(path, record[name], true);
  }
  return text ?? issueText(issues);
}

/** The first issue of a refused label, e.g. `/label: expected …; got null`. */
export function labelIssueText(issues: readonly ValidationIssue[], label: unknown): string {
  const path = issues[0]?.path;
  return (path === '/label' ? scalarIssue(path, label, false) : undefined) ?? issueText(issues);
}
