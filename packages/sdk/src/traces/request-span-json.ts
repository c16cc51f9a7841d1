/**
 * The wire JSON of an ended request span, written with a template literal: the same bytes as
 * `JSON.stringify(spanRecordFromRequest(span))` (test/traces/request-span.test.ts holds it
 * to that), without building the record and walking it. Ids are lower-case hex (generated, or
 * checked by the traceparent parser) and times are digits: only the name, trace state and
 * attributes are escaped. Spans with a status, events or links (errors, user code) are left to
 * the record's path.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { cachedJsonString, jsonString } from '../logs/json-string.js';
import type { RequestSpan } from './request-span.js';
import { perfNowToNanoString } from './span-time.js';

/** Attribute keys repeat from span to span: their `"key":` prefixes are cached. */
const keyLiteral = cachedJsonString(512);

/** A stored attribute value as JSON.stringify writes it. */
function valueJson(value: RequestSpan['attributes'][string]): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

function attributesJson(attributes: RequestSpan['attributes']): string {
  let json = '';
  for (const key in attributes) {
    json += `${json === '' ? '{' : ','}${keyLiteral(key)}:${valueJson(attributes[key]!)}`;
  }
  return json === '' ? '{}' : `${json}}`;
}

/** The span's JSON (times placed by `offsetMs`, see span-time.ts); undefined for a span with a status, events or links. */
export function requestSpanJson(span: RequestSpan, offsetMs: number): string | undefined {
  if (span.status.code !== SpanStatusCode.UNSET || span.events !== undefined) return undefined;
  if (span.links !== undefined) return undefined;
  let parent = span.parentSpanId === undefined ? '' : `,"parentSpanId":"${span.parentSpanId}"`;
  // Printable ASCII, which may still hold a quote or a backslash.
  if (span.traceState !== undefined) parent += `,"traceState":${jsonString(span.traceState)}`;
  return (
    `{"traceId":"${span.traceId}","spanId":"${span.spanId}","name":${jsonString(span.name)}` +
    `,"kind":"SERVER","startTimeUnixNano":"${perfNowToNanoString(span.startPerfMs, offsetMs)}"` +
    `,"endTimeUnixNano":"${perfNowToNanoString(span.endPerfMs, offsetMs)}"${parent}` +
    `,"attributes":${attributesJson(span.attributes)}}`
  );
}
