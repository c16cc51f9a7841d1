/**
 * Converts one pino JSON line into an OTel LogRecord (the `logs` signal), validated by the schema.
 * Completion records the SDK made itself (completion-record.ts) become their record or wire JSON
 * without validation.
 */
import { INVALID_SPANID, INVALID_TRACEID } from '@opentelemetry/api';
import { validateItem, type LogRecord } from '@driftwatch/schema';
import type { Converter } from '../pipeline/export-pipeline.js';
import { issueText } from '../pipeline/issue-text.js';
import { CompletionRecord } from './completion-record.js';

const MAX_BODY = 65_536;
export const MAX_ATTRIBUTE = 8192;
/** Fields that become the body or resource attributes rather than log attributes. */
const RECORD_FIELDS = new Set([
  'msg',
  'service.name',
  'service.version',
  'deployment.environment.name',
]);
/** The same for a line without pino's prefix, whose `level` and `time` are the record's. */
const RECORD_FIELDS_UNPREFIXED = new Set([...RECORD_FIELDS, 'level', 'time']);
/** W3C trace context ids as the schema takes them (lower-case hex); all zeros is invalid. */
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

const LEVEL_KEY = '{"level":';
const TIME_KEY = ',"time":';
/** More digits than this are no pino level or epoch-ms time (and would lose precision). */
const MAX_DIGITS = 15;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const COMMA = 44;
const CLOSE_BRACE = 125;

/** pino's own level and time, and where the caller's fields begin (after the comma). */
interface PinoPrefix {
  readonly level: number;
  readonly timeMs: number;
  readonly restStart: number;
}

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

/** The end of the run of at most MAX_DIGITS digits at `start` (`start` when there is none). */
function digitsEnd(line: string, start: number): number {
  let end = start;
  while (end - start <= MAX_DIGITS) {
    const code = line.charCodeAt(end);
    // Written so that NaN (past the end of the line) is no digit.
    if (!(code >= DIGIT_0 && code <= DIGIT_9)) return end;
    end += 1;
  }
  return start;
}

/**
 * Reads `{"level":<integer>,"time":<integer>`, which pino writes at the start of every line
 * before the caller's fields (the SDK's logger sets no custom timestamp or level formatter).
 * Undefined for a line of another form.
 */
function pinoPrefixOf(line: string): PinoPrefix | undefined {
  if (!line.startsWith(LEVEL_KEY)) return undefined;
  const levelEnd = digitsEnd(line, LEVEL_KEY.length);
  if (levelEnd === LEVEL_KEY.length || !line.startsWith(TIME_KEY, levelEnd)) return undefined;
  const timeStart = levelEnd + TIME_KEY.length;
  const timeEnd = digitsEnd(line, timeStart);
  if (timeEnd === timeStart) return undefined;
  const next = line.charCodeAt(timeEnd);
  if (next !== COMMA && next !== CLOSE_BRACE) return undefined;
  return {
    level: Number(line.slice(LEVEL_KEY.length, levelEnd)),
    timeMs: Number(line.slice(timeStart, timeEnd)),
    restStart: next === COMMA ? timeEnd + 1 : timeEnd,
  };
}

/** `value` when it is a valid W3C id of `pattern`'s form, else undefined. */
function w3cId(value: unknown, pattern: RegExp, invalid: string): string | undefined {
  return typeof value === 'string' && value !== invalid && pattern.test(value) ? value : undefined;
}

/** Builds the LogRecord of one pino line; throws on a line that is not JSON. */
export function logRecordFromLine(line: string): LogRecord {
  const prefix = pinoPrefixOf(line);
  // A caller's `level` or `time` follows pino's in the same object and JSON.parse keeps the last:
  // parsing the line without pino's prefix leaves exactly the caller's fields.
  const fields = JSON.parse(
    prefix === undefined ? line : `{${line.slice(prefix.restStart)}`,
  ) as Record<string, unknown>;
  let level: number;
  let time: number;
  if (prefix === undefined) {
    level = typeof fields.level === 'number' ? fields.level : 30;
    time = typeof fields.time === 'number' ? Math.trunc(fields.time) : Date.now();
  } else {
    level = prefix.level;
    time = prefix.timeMs;
  }
  const severity = severityOf(level);
  const recordFields = prefix === undefined ? RECORD_FIELDS_UNPREFIXED : RECORD_FIELDS;
  // Any other id (upper-case, X-Ray, truncated) would fail the schema and drop the whole record.
  const traceId = w3cId(fields.trace_id, TRACE_ID, INVALID_TRACEID);
  const spanId = w3cId(fields.span_id, SPAN_ID, INVALID_SPANID);
  const attributes: Record<string, Attribute> = {};
  let attributeCount = 0;
  for (const key in fields) {
    if (recordFields.has(key) || key === '') continue;
    if (
      (key === 'trace_id' && traceId !== undefined) ||
      (key === 'span_id' && spanId !== undefined)
    )
      continue;
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
  if (traceId !== undefined) record.traceId = traceId;
  if (spanId !== undefined) record.spanId = spanId;
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
