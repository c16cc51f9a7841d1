/**
 * Decodes one Kafka record into a storable item of its topic's signal, with the checks the HTTP
 * ingest applies (ingest/check-item.ts), or says why it cannot be accepted: the reason, the field
 * at fault and what was expected, worded as the ingest API's rejections are.
 */
import {
  KAFKA_SCHEMA_VERSION,
  KafkaHeaders,
  type Signal,
  type SignalItem,
} from '@driftwatch/schema';
import type { IHeaders } from 'kafkajs';
import { checkItem, describeIssue } from '../ingest/check-item.js';

/** Why a record went to the dead-letter topic (header `dw-dlq-reason`). */
export const RejectionReasons = {
  /** The value is missing or not JSON. */
  BAD_JSON: 'bad-json',
  /** `dw-schema-version` is missing or not the version this collector reads. */
  SCHEMA_VERSION: 'schema-version',
  /** `content-type` is set and not application/json. */
  CONTENT_TYPE: 'content-type',
  /** `dw-signal` names another signal than the topic carries. */
  SIGNAL_MISMATCH: 'signal-mismatch',
  /** The item does not match its signal's schema, or storage could not hold it. */
  INVALID_ITEM: 'invalid-item',
} as const;

export type RejectionReason = (typeof RejectionReasons)[keyof typeof RejectionReasons];

export interface RecordRejection {
  readonly reason: RejectionReason;
  /** A JSON pointer into the item (`/timeUnixMs`), `(item)`, `(value)` or `header <name>`. */
  readonly field: string;
  /** What was wrong and what was expected, e.g. `/score: Expected number; got "high"`. */
  readonly message: string;
}

export type DecodedRecord<S extends Signal> =
  | { readonly ok: true; readonly item: SignalItem[S] }
  | { readonly ok: false; readonly rejection: RecordRejection };

/** A header's text: kafkajs gives Buffers (or arrays of them when a name repeats: the last wins). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
}

function rejected(
  reason: RejectionReason,
  field: string,
  message: string,
): { ok: false; rejection: RecordRejection } {
  return { ok: false, rejection: { reason, field, message } };
}

/** JSON-quoted and clipped: a header may hold anything. */
function shown(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > 80 ? `${quoted.slice(0, 77)}..."` : quoted;
}

function headerIssue(signal: Signal, headers: IHeaders | undefined) {
  const version = headerText(headers, KafkaHeaders.schemaVersion);
  if (version !== KAFKA_SCHEMA_VERSION) {
    return rejected(
      RejectionReasons.SCHEMA_VERSION,
      `header ${KafkaHeaders.schemaVersion}`,
      `header ${KafkaHeaders.schemaVersion} ${version === undefined ? 'missing' : shown(version)}; expected "${KAFKA_SCHEMA_VERSION}"`,
    );
  }
  const named = headerText(headers, KafkaHeaders.signal);
  if (named !== undefined && named !== signal) {
    return rejected(
      RejectionReasons.SIGNAL_MISMATCH,
      `header ${KafkaHeaders.signal}`,
      `header ${KafkaHeaders.signal} ${shown(named)}; expected "${signal}" (the topic's signal)`,
    );
  }
  const type = headerText(headers, KafkaHeaders.contentType);
  const [mediaType = ''] = (type ?? '').split(';', 1);
  if (type !== undefined && mediaType.trim().toLowerCase() !== 'application/json') {
    return rejected(
      RejectionReasons.CONTENT_TYPE,
      `header ${KafkaHeaders.contentType}`,
      `header ${KafkaHeaders.contentType} ${shown(type)}; expected application/json`,
    );
  }
  return undefined;
}

/**
 * The record's item, checked as the HTTP ingest checks one, e.g.
 * `decodeRecord('labels', message.value, message.headers)`.
 */
export function decodeRecord<S extends Signal>(
  signal: S,
  value: Buffer | null,
  headers: IHeaders | undefined,
): DecodedRecord<S> {
  const headerProblem = headerIssue(signal, headers);
  if (headerProblem) return headerProblem;
  if (value === null) {
    return rejected(RejectionReasons.BAD_JSON, '(value)', 'value missing; expected a JSON object');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return rejected(
      RejectionReasons.BAD_JSON,
      '(value)',
      `value is not JSON (${(error as Error).message}); expected a JSON object`,
    );
  }
  const checked = checkItem(signal, parsed);
  if (checked.ok) return { ok: true, item: checked.value };
  const first = checked.issues[0];
  return rejected(
    RejectionReasons.INVALID_ITEM,
    first?.path || '(item)',
    checked.issues.map(describeIssue).join('; ') || `not a valid ${signal} item`,
  );
}
