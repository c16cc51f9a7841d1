/**
 * Converts one pino JSON line into an OTel LogRecord (the `logs` signal), validated by the schema.
 * Completion records the SDK made itself (completion-record.ts) become their record or wire JSON
 * without validation.
 */
import { validateItem, type LogRecord } from '@driftwatch/schema';
import type { Converter } from '../pipeline/export-pipeline.js';
import { issueText } from '../pipeline/issue-text.js';
import { CompletionRecord } from './completion-record.js';

const MAX_BODY = 65_536;
export const MAX_ATTRIBUTE = 8192;
/** Fields that become record fields or resource attributes rather than log attributes. */
const OWN_FIELDS = new Set([
  'level',
  'time',
  'msg',
  'trace_id',
  'span_id',
  'service.name',
  'service.version',
  'deployment.environment.name',
]);

/** pino level → OTel severity number and text. */
export function severityOf(level: number): { number: number; text: string } {
  if (level >= 60) return { number: 21, text: 'FATAL' };
  if (level >= 50) return { number: 17, text: 'ERROR' };
  if (level >= 40) return { number: 13, text: 'WARN' };
  if (level >= 30) return { number: 9, text: 'INFO' };
  if (level >= 20) return { number: 5, text: 'DEBUG' };
  return { number: 1, text: 'TRACE' };
}

type Attribute = string | number | boolean | string[];

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function flatten(
  prefix: string,
  value: unknown,
  out: Record<string, Attribute>,
  depth: number,
): void {
  if (value === null || value === undefined || prefix.length > 256) return;
  if (typeof value === 'string') out[prefix] = clip(value, MAX_ATTRIBUTE);
  else if (typeof value === 'number') {
    if (Number.isFinite(value)) out[prefix] = value;
  } else if (typeof value === 'boolean') out[prefix] = value;
  else if (Array.isArray(value) || depth >= 4)
    out[prefix] = clip(JSON.stringify(value), MAX_ATTRIBUTE);
  else if (typeof value === 'object') {
    // for-in over a JSON.parse result sees own keys only, without Object.entries' pair arrays.
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (key !== '') flatten(`${prefix}.${key}`, object[key], out, depth + 1);
    }
  }
}

/** Maps pino's `err` serializer output to OTel exception attributes. */
function exception(err: unknown, out: Record<string, Attribute>): void {
  if (typeof err !== 'object' || err === null) return flatten('err', err, out, 0);
  const { type, message, stack, ...rest } = err as Record<string, unknown>;
  if (typeof type === 'string') out['exception.type'] = clip(type, MAX_ATTRIBUTE);
  if (typeof message === 'string') out['exception.message'] = clip(message, MAX_ATTRIBUTE);
  if (typeof stack === 'string') out['exception.stacktrace'] = clip(stack, MAX_ATTRIBUTE);
  for (const [key, inner] of Object.entries(rest)) flatten(`err.${key}`, inner, out, 1);
}

/** Builds the LogRecord of one pino line; throws on a line that is not JSON. */
export function logRecordFromLine(line: string): LogRecord {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const level = typeof fields.level === 'number' ? fields.level : 30;
  const severity = severityOf(level);
  const time = typeof fields.time === 'number' ? Math.trunc(fields.time) : Date.now();
  const attributes: Record<string, Attribute> = {};
  let attributeCount = 0;
  for (const key in fields) {
    if (OWN_FIELDS.has(key) || key === '') continue;
    attributeCount += 1;
    if (key === 'err') exception(fields[key], attributes);
    else flatten(key, fields[key], attributes, 0);
  }
  const msg = fields.msg;
  const record: LogRecord = {
    timeUnixNano: `${time}000000`,
    severityNumber: severity.number,
    severityText: severity.text,
    body: clip(
      typeof msg === 'string' ? msg : msg === undefined ? '' : JSON.stringify(msg),
      MAX_BODY,
    ),
  };
  if (attributeCount > 0 && Object.keys(attributes).length > 0) record.attributes = attributes;
  if (typeof fields.trace_id === 'string') record.traceId = fields.trace_id;
  if (typeof fields.span_id === 'string') record.spanId = fields.span_id;
  return record;
}

/** The pipeline converter of the `logs` signal. */
export const convertLogLine: Converter = (entry, wire) => {
  if (entry instanceof CompletionRecord)
    return { ok: true, item: wire ? entry.toWire() : entry.toRecord() };
  if (typeof entry !== 'string') return { ok: true, item: entry };
  try {
    const result = validateItem('logs', logRecordFromLine(entry));
    if (result.ok) return { ok: true, item: result.value };
    return { ok: false, issue: issueText(result.issues) };
  } catch (error) {
    return { ok: false, issue: `not a JSON log line (${(error as Error).message})` };
  }
};
