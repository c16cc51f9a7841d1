/**
 * Trace state and links as the schema takes them, for request spans and OTel spans alike: a
 * `tracestate` as OTel serializes it (512 printable characters at most), a link only to a span
 * context with valid ids, at most 128 links (OTel's default link count limit), their attributes
 * clipped as a span's are. A JavaScript caller may hand anything as a link or a trace state:
 * what cannot be read is left out, never thrown.
 */
import { isValidSpanId, isValidTraceId, type Link, type TraceState } from '@opentelemetry/api';
import type { SpanLink } from '@driftwatch/schema';
import { jsonStringBytes } from '../pipeline/wire-bytes.js';
import { attributeBytes, storableAttributes } from './span-limits.js';

/** OTel's default `linkCountLimit`, and the schema's. */
export const MAX_LINKS = 128;
/** W3C trace context: OTel drops a longer `tracestate` whole. */
const MAX_TRACE_STATE_CHARS = 512;
/** Queue estimate of a link beside its trace state and attributes (ids, keys, punctuation). */
const LINK_OVERHEAD_BYTES = 100;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `traceState` serialized as the schema takes it; undefined when empty, invalid or unreadable. */
export function traceStateText(traceState: TraceState | undefined): string | undefined {
  if (traceState === undefined || traceState === null) return undefined;
  let text: unknown;
  try {
    text = traceState.serialize();
  } catch {
    return undefined;
  }
  return typeof text === 'string' &&
    text !== '' &&
    text.length <= MAX_TRACE_STATE_CHARS &&
    PRINTABLE_ASCII.test(text)
    ? text
    : undefined;
}

/** The record of a link; undefined for one whose span context has no valid ids. */
export function linkRecord(link: Link): SpanLink | undefined {
  try {
    const { context, attributes } = link;
    const { traceId, spanId } = context;
    if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
    // The OTel API takes upper-case hex too; the wire carries lower case, as spans do.
    const record: SpanLink = { traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase() };
    if (!isValidTraceId(record.traceId) || !isValidSpanId(record.spanId)) return undefined;
    const traceState = traceStateText(context.traceState);
    if (traceState !== undefined) record.traceState = traceState;
    const kept =
      attributes !== null && typeof attributes === 'object'
        ? storableAttributes(attributes)
        : undefined;
    if (kept !== undefined) record.attributes = kept;
    return record;
  } catch {
    // A link that is no object, or whose getters throw.
    return undefined;
  }
}

/** The records of the first 128 valid links; undefined when none is. */
export function linkRecords(links: readonly Link[]): SpanLink[] | undefined {
  let records: SpanLink[] | undefined;
  for (const link of links) {
    const record = linkRecord(link);
    if (record !== undefined) (records ??= []).push(record);
    if (records?.length === MAX_LINKS) break;
  }
  return records;
}

/** What a link's record adds to a queue estimate. */
export function linkBytes(record: SpanLink): number {
  let bytes = LINK_OVERHEAD_BYTES;
  if (record.traceState !== undefined) bytes += jsonStringBytes(record.traceState);
  const { attributes } = record;
  for (const key in attributes) bytes += attributeBytes(key, attributes[key]);
  return bytes;
}
