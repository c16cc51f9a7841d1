/**
 * Converts a finished span into a SpanRecord (the `spans` signal): OTel spans (children made by
 * the tracer) are converted and validated by the schema; request spans build their own record,
 * validated only when user code changed them.
 */
import { SpanKind, SpanStatusCode, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { validateItem, type SpanRecord } from '@driftwatch/schema';
import type { Converter } from '../pipeline/export-pipeline.js';
import { issueText } from '../pipeline/issue-text.js';
import { RequestSpan } from './request-span.js';
import {
  attributeBytes,
  EVENT_OVERHEAD_BYTES,
  eventNameText,
  exceedsAttributeLimits,
  MAX_ATTRIBUTE_CHARS,
  MAX_EVENT_NAME,
  MAX_EVENTS,
  MAX_SPAN_NAME,
  SPAN_OVERHEAD_BYTES,
  spanNameText,
  statusMessageText,
  storableAttributes,
} from './span-limits.js';
import { requestSpanJson } from './request-span-json.js';
import { WireJson } from '../transport/wire-json.js';
import { jsonStringBytes, stringJsonBytes } from '../pipeline/wire-bytes.js';
import { linkBytes, linkRecords, MAX_LINKS, traceStateText } from './span-links.js';
import { perfNowToNanoString, wallClockOffsetMs } from './span-time.js';

const KINDS: Record<SpanKind, SpanRecord['kind']> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};
const STATUS: Record<SpanStatusCode, 'UNSET' | 'OK' | 'ERROR'> = {
  [SpanStatusCode.UNSET]: 'UNSET',
  [SpanStatusCode.OK]: 'OK',
  [SpanStatusCode.ERROR]: 'ERROR',
};

/** [seconds, nanoseconds] → decimal nanoseconds since the epoch, without BigInt. */
export function hrTimeToNanoString([seconds, nanos]: HrTime): string {
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

/** Is `time` an HrTime the wire can carry (digits only: OTLP times are unsigned)? */
function isEpochHrTime([seconds, nanos]: HrTime): boolean {
  return Number.isSafeInteger(seconds) && Number.isSafeInteger(nanos) && seconds >= 0 && nanos >= 0;
}

/**
 * The time as the wire's decimal nanoseconds: one before 1970 as the epoch itself, one that is no
 * time (`span.end(NaN)`, an invalid Date: OTel keeps NaN) as `fallback`. Either would fail the
 * schema's digits and cost the whole span.
 */
function epochNanoString(time: HrTime, fallback: string): string {
  if (isEpochHrTime(time)) return hrTimeToNanoString(time);
  return Number.isFinite(time[0]) && Number.isFinite(time[1]) ? '0' : fallback;
}

function attributesBytes(attributes: Attributes): number {
  let bytes = 0;
  for (const key in attributes) bytes += attributeBytes(key, attributes[key]);
  return bytes;
}

/**
 * Estimated JSON size of a span, for the queue's byte bound: of the record it will be sent as
 * (names, messages, keys and values clipped or left out as spanRecordFromReadable does), so a
 * megabyte string given to a span counts the 8 KB that is sent, not a megabyte. Strings are
 * counted by their JSON bytes.
 */
export function estimateSpanBytes(span: ReadableSpan): number {
  let bytes =
    SPAN_OVERHEAD_BYTES +
    jsonStringBytes(spanNameText(span.name)) +
    jsonStringBytes(statusMessageText(span.status.message) ?? '');
  bytes += attributesBytes(span.attributes);
  const events = span.events;
  for (let i = 0; i < events.length && i < MAX_EVENTS; i += 1) {
    const event = events[i]!;
    bytes += EVENT_OVERHEAD_BYTES + jsonStringBytes(eventNameText(event.name));
    if (event.attributes !== undefined) bytes += attributesBytes(event.attributes);
  }
  // Trace state and links as they will be sent (most spans have neither).
  bytes += stringJsonBytes(traceStateText(span.spanContext().traceState));
  if (span.links.length > 0)
    for (const link of linkRecords(span.links) ?? []) bytes += linkBytes(link);
  return bytes;
}

function attributesExceedLimits(attributes: Attributes): boolean {
  for (const key in attributes) if (exceedsAttributeLimits(key, attributes[key])) return true;
  return false;
}

/**
 * Whether an ended OTel span holds more than its record carries: a name, message, key or value
 * beyond the schema's limits, or more events or links than are sent. Queued as it is, it would
 * hold all that against an estimate of what is sent.
 */
function holdsMoreThanSent(span: ReadableSpan): boolean {
  const { name, events, links } = span;
  if (typeof name !== 'string' || name.length > MAX_SPAN_NAME) return true;
  if ((span.status.message?.length ?? 0) > MAX_ATTRIBUTE_CHARS) return true;
  if (links.length > MAX_LINKS || events.length > MAX_EVENTS) return true;
  if (attributesExceedLimits(span.attributes)) return true;
  for (const event of events) {
    if (typeof event.name !== 'string' || event.name.length > MAX_EVENT_NAME) return true;
    if (event.attributes !== undefined && attributesExceedLimits(event.attributes)) return true;
  }
  for (const link of links) {
    if (link.attributes !== undefined && attributesExceedLimits(link.attributes)) return true;
  }
  return false;
}

/** The record of an OTel span that held more than it sends, built when the span ended. */
export class ClippedSpan {
  constructor(readonly record: SpanRecord) {}
}

/**
 * What the spans queue holds for an ended OTel span: the span itself, converted when sent, or,
 * when it holds more than its record carries, that record (strings clipped and detached), so
 * that the queue holds what its estimate counts.
 */
export function queuedSpan(span: ReadableSpan): ReadableSpan | ClippedSpan {
  return holdsMoreThanSent(span) ? new ClippedSpan(spanRecordFromReadable(span)) : span;
}

export function spanRecordFromReadable(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  // The OTel API takes ids in upper-case hex too (a parent from a B3 header, or set by hand),
  // and the child inherits its trace id: the schema takes lower case, as the log lines carry it.
  const record: SpanRecord = {
    traceId: context.traceId.toLowerCase(),
    spanId: context.spanId.toLowerCase(),
    // The OTel API takes an empty name, and JavaScript callers any value: either would fail the
    // schema and cost the whole span.
    name: spanNameText(span.name),
    kind: KINDS[span.kind] ?? 'INTERNAL',
    startTimeUnixNano: '',
    endTimeUnixNano: '',
  };
  // A start that is no time takes the end's (or now), an end or event that is none the start's.
  const end = isEpochHrTime(span.endTime) ? hrTimeToNanoString(span.endTime) : undefined;
  record.startTimeUnixNano = epochNanoString(span.startTime, end ?? `${Date.now()}000000`);
  record.endTimeUnixNano = end ?? epochNanoString(span.endTime, record.startTimeUnixNano);
  const parent = span.parentSpanContext?.spanId;
  if (parent) record.parentSpanId = parent.toLowerCase();
  const traceState = traceStateText(context.traceState);
  if (traceState !== undefined) record.traceState = traceState;
  const attributes = storableAttributes(span.attributes);
  if (attributes) record.attributes = attributes;
  if (span.status.code !== SpanStatusCode.UNSET || span.status.message) {
    record.status = { code: STATUS[span.status.code] ?? 'UNSET' };
    const message = statusMessageText(span.status.message);
    if (message) record.status.message = message;
  }
  if (span.events.length > 0) {
    record.events = span.events.slice(0, MAX_EVENTS).map((event) => {
      const out: NonNullable<SpanRecord['events']>[number] = {
        name: eventNameText(event.name),
        timeUnixNano: epochNanoString(event.time, record.startTimeUnixNano),
      };
      const eventAttributes = event.attributes ? storableAttributes(event.attributes) : undefined;
      if (eventAttributes) out.attributes = eventAttributes;
      return out;
    });
  }
  const links = span.links.length > 0 ? linkRecords(span.links) : undefined;
  if (links !== undefined) record.links = links;
  return record;
}

/** The record of an ended request span (its fields were built to fit the schema). */
export function spanRecordFromRequest(
  span: RequestSpan,
  offsetMs = wallClockOffsetMs(),
): SpanRecord {
  const record: SpanRecord = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: 'SERVER',
    startTimeUnixNano: perfNowToNanoString(span.startPerfMs, offsetMs),
    endTimeUnixNano: perfNowToNanoString(span.endPerfMs, offsetMs),
  };
  if (span.parentSpanId !== undefined) record.parentSpanId = span.parentSpanId;
  if (span.traceState !== undefined) record.traceState = span.traceState;
  record.attributes = span.attributes;
  const { code, message } = span.status;
  if (code !== SpanStatusCode.UNSET) {
    record.status = { code: code === SpanStatusCode.OK ? 'OK' : 'ERROR' };
    if (message) record.status.message = statusMessageText(message);
  }
  if (span.events !== undefined) {
    record.events = span.events.map((event) => {
      const out: NonNullable<SpanRecord['events']>[number] = {
        // Kept as the schema takes it by pushEvent.
        name: event.name,
        timeUnixNano: perfNowToNanoString(event.perfMs, offsetMs),
      };
      if (event.attributes !== undefined) out.attributes = event.attributes;
      return out;
    });
  }
  if (span.links !== undefined) record.links = span.links;
  return record;
}

/** The pipeline converter of the `spans` signal. */
export const convertSpan: Converter = (entry, wire) => {
  let record: SpanRecord;
  if (entry instanceof RequestSpan) {
    if (!entry.untrusted) {
      if (!wire) return { ok: true, item: spanRecordFromRequest(entry) };
      const offsetMs = wallClockOffsetMs();
      const json =
        requestSpanJson(entry, offsetMs) ?? JSON.stringify(spanRecordFromRequest(entry, offsetMs));
      return { ok: true, item: new WireJson(json, entry.traceId) };
    }
    record = spanRecordFromRequest(entry);
  } else if (entry instanceof ClippedSpan) record = entry.record;
  else record = spanRecordFromReadable(entry as ReadableSpan);
  const result = validateItem('spans', record);
  if (result.ok) return { ok: true, item: result.value };
  return { ok: false, issue: issueText(result.issues) };
};
