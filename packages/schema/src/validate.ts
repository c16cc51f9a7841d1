/** Compiled validators for every signal, with issues that name the field and what was expected. */
import { TypeCompiler, ValueErrorType, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { ATTRIBUTE_KEY_PATTERN, NAME_PATTERN } from './common.js';
import { SchemaError, SchemaErrorCodes, type ValidationIssue } from './errors.js';
import { IngestBatch, SIGNALS, type Signal, type SignalItem } from './ingest-batch.js';
import { LabelEvent } from './label.js';
import { LogRecord } from './log-record.js';
import { MetricPoint } from './metric-point.js';
import { PredictionEvent } from './prediction.js';
import { SpanRecord } from './span.js';

/** Result of validating one item: the typed value, or every issue found (at most 10). */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const MAX_ISSUES = 10;

/** JSON Schema of each signal's item (TypeBox schemas are JSON Schema draft-07 objects). */
export const signalSchemas: { readonly [S in Signal]: TSchema } = {
  predictions: PredictionEvent,
  labels: LabelEvent,
  logs: LogRecord,
  spans: SpanRecord,
  metrics: MetricPoint,
};

const checks = new Map<TSchema, TypeCheck<TSchema>>();
function compiled(schema: TSchema): TypeCheck<TSchema> {
  let check = checks.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    checks.set(schema, check);
  }
  return check;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `a bigint (${value}n)`;
  let text: string | undefined;
  try {
    // A long string is cut before it is escaped: 60 characters are shown, and escaping a whole
    // 5 MB string (an image passed as a feature) cost the host ~20 ms per refused sample.
    text = JSON.stringify(
      typeof value === 'string' && value.length > 60 ? value.slice(0, 60) : value,
    );
  } catch {
    // A cyclic object, or one too deep for the stack: named by its kind.
    return `a ${Array.isArray(value) ? 'cyclic or too deep array' : 'cyclic or too deep object'}`;
  }
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What a refused Record key is called, and the rule it broke, by the Record's key pattern. */
const KEY_RULES: Record<string, { noun: string; expected: string }> = {
  [NAME_PATTERN]: {
    noun: 'name',
    expected: 'expected 1 to 128 characters, none of them a control character',
  },
  [ATTRIBUTE_KEY_PATTERN]: { noun: 'key', expected: 'expected 1 to 256 characters' },
};

/**
 * A key refused by a Record keyed by `Name` (feature names) or by an attribute key (attributes,
 * resource): the pointer to the member would carry the raw key (control characters, thousands of
 * characters) under a bare "Unexpected property", so the issue points at the record and names the
 * member JSON-escaped and clipped, e.g.
 * `/features: invalid name "bad\u0001name" (8 characters): expected …`.
 */
function nameIssue(error: ValueError): ValidationIssue | undefined {
  const patterns = (error.schema as { patternProperties?: Record<string, unknown> })
    .patternProperties;
  const rule = patterns && KEY_RULES[Object.keys(patterns)[0] ?? ''];
  if (error.type !== ValueErrorType.ObjectAdditionalProperties || !rule) return undefined;
  const slash = error.path.lastIndexOf('/');
  // TypeBox escapes the member name as a JSON pointer segment (RFC 6901).
  const name = error.path
    .slice(slash + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  return {
    path: error.path.slice(0, slash),
    message: `invalid ${rule.noun} ${describe(name)} (${name.length} characters): ${rule.expected}`,
  };
}

function check<T>(schema: TSchema, value: unknown): ValidationResult<T> {
  const typeCheck = compiled(schema);
  if (typeCheck.Check(value)) return { ok: true, value: value as T };
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of typeCheck.Errors(value)) {
    // Unions report one issue per branch plus one for the union: keep the first per path.
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    // NaN and ±Infinity are numbers to the reader ("Expected number; got Infinity" misleads),
    // and JSON.stringify writes them null.
    const expected =
      error.type === ValueErrorType.Number &&
      (typeof error.value === 'number' || error.value === null)
        ? 'Expected a finite number'
        : error.message;
    issues.push(
      nameIssue(error) ?? {
        path: error.path,
        message: `${expected}; got ${describe(error.value)}`,
      },
    );
    if (issues.length >= MAX_ISSUES) break;
  }
  return { ok: false, issues };
}

/** MetricPoint's branches by the `type` each holds. */
const metricBranches = new Map<unknown, TSchema>(
  MetricPoint.anyOf.map((branch) => [branch.properties.type.const, branch]),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A histogram's bucket counts are one more than its bounds (OTLP; see metric-point.ts). */
function bucketCountsIssue(point: Record<string, unknown>): ValidationIssue | undefined {
  const bounds = point.explicitBounds;
  const counts = point.bucketCounts;
  if (!Array.isArray(bounds) || !Array.isArray(counts) || counts.length === bounds.length + 1) {
    return undefined;
  }
  return {
    path: '/bucketCounts',
    message: `expected ${bounds.length + 1} bucket counts, one more than the ${bounds.length} explicitBounds; got ${counts.length}`,
  };
}

/**
 * A metric point is checked against the branch its `type` names: the union alone reports
 * "Expected union value" for the whole point, naming neither the field nor what was expected.
 */
function checkMetric(item: unknown): ValidationResult<MetricPoint> {
  if (!isRecord(item)) return check<MetricPoint>(MetricPoint, item);
  const branch = metricBranches.get(item.type);
  if (branch === undefined) {
    return {
      ok: false,
      issues: [
        {
          path: '/type',
          message: `expected "gauge", "sum" or "histogram"; got ${describe(item.type)}`,
        },
      ],
    };
  }
  const result = check<MetricPoint>(branch, item);
  const bucketIssue = item.type === 'histogram' ? bucketCountsIssue(item) : undefined;
  if (bucketIssue === undefined) return result;
  return {
    ok: false,
    issues: result.ok ? [bucketIssue] : [...result.issues, bucketIssue].slice(0, MAX_ISSUES),
  };
}

/** Validates one item of a signal, e.g. `validateItem('predictions', body)`. */
export function validateItem<S extends Signal>(
  signal: S,
  item: unknown,
): ValidationResult<SignalItem[S]> {
  const schema = signalSchemas[signal];
  if (!schema) {
    throw new SchemaError(
      SchemaErrorCodes.UNKNOWN_SIGNAL,
      `unknown signal "${String(signal)}"; expected one of ${SIGNALS.join(', ')}`,
      {
        signal,
      },
    );
  }
  if (signal === 'metrics') return checkMetric(item) as ValidationResult<SignalItem[S]>;
  return check<SignalItem[S]>(schema, item);
}

/** Validates the envelope only (arrays per signal, size limits); items are checked one by one. */
export function validateBatchEnvelope(body: unknown): ValidationResult<IngestBatch> {
  return check<IngestBatch>(IngestBatch, body);
}

/** Like validateItem, but throws a SchemaError (code DW_SCHEMA_INVALID_EVENT) listing the issues. */
export function assertItem<S extends Signal>(signal: S, item: unknown): SignalItem[S] {
  const result = validateItem(signal, item);
  if (result.ok) return result.value;
  const first = result.issues[0];
  throw new SchemaError(
    SchemaErrorCodes.INVALID_EVENT,
    `invalid ${signal} item: ${first ? `${first.path || '(item)'}: ${first.message}` : 'does not match the schema'}`,
    { signal, issues: result.issues },
  );
}
