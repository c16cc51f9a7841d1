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
import { FormattedLine } from './formatted-line.js';

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

/** pino's standard levels, most severe first, with their OTel severity number and text. */
const SEVERITY_BANDS = [
  [60, 21, 'FATAL'],
  [50, 17, 'ERROR'],
  [40, 13, 'WARN'],
  [30, 9, 'INFO'],
  [20, 5, 'DEBUG'],
  [10, 1, 'TRACE'],
] as const;
/** pino puts its standard levels 10 apart; the data model has 4 numbers per severity range. */
const PINO_LEVEL_STEP = 10;

/**
 * pino level → OTel severity number and text. A custom level between two standard ones takes
 * the data model's sub-level of its place in that range (35 → 11 `INFO3`, 45 → 15 `WARN3`), as
 * the data model asks for sources with more levels than its six; above fatal up to `FATAL4`.
 */
export function severityOf(level: number): { number: number; text: string } {
  for (const [base, number, text] of SEVERITY_BANDS) {
    if (level < base) continue;
    const sub = Math.min(3, Math.floor(((level - base) * 4) / PINO_LEVEL_STEP));
    return sub === 0 ? { number, text } : { number: number + sub, text: `${text}${sub + 1}` };
  }
  return { number: 1, text: 'TRACE' };
}

type Attribute = string | number | boolean | string[];

/** OTel's default attribute count limit: a wide logged object must not flatten without bound. */
const MAX_ATTRIBUTES = 128;

/** The record's attributes as they are flattened, and how many are left to fill. */
interface AttributeSink {
  readonly out: Record<string, Attribute>;
  left: number;
}

function put(sink: AttributeSink, key: string, value: Attribute): void {
  if (!Object.hasOwn(sink.out, key)) {
    if (sink.left <= 0) return;
    sink.left -= 1;
  }
  // An assignment to `__proto__` (a key JSON.parse makes an own field) would set no attribute.
  if (key === '__proto__')
    Object.defineProperty(sink.out, key, { value, enumerable: true, writable: true });
  else sink.out[key] = value;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Not between the two halves of a surrogate pair: a lone half is no valid text.
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function flatten(prefix: string, value: unknown, sink: AttributeSink, depth: number): void {
  if (value === null || value === undefined || prefix.length > 256 || sink.left <= 0) return;
  if (typeof value === 'string') put(sink, prefix, clip(value, MAX_ATTRIBUTE));
  else if (typeof value === 'number') {
    if (Number.isFinite(value)) put(sink, prefix, value);
  } else if (typeof value === 'boolean') put(sink, prefix, value);
  else if (Array.isArray(value) || depth >= 4)
    put(sink, prefix, clip(JSON.stringify(value), MAX_ATTRIBUTE));
  else if (typeof value === 'object') {
    // for-in over a JSON.parse result sees own keys only, without Object.entries' pair arrays.
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (sink.left <= 0) return;
      if (key !== '') flatten(`${prefix}.${key}`, object[key], sink, depth + 1);
    }
  }
}

/**
 * Maps pino's error serializer output (under `err`, or `error`) to OTel exception attributes;
 * the error's other fields keep the key as prefix (`err.code`).
 */
function exception(key: string, err: unknown, sink: AttributeSink): void {
  if (typeof err !== 'object' || err === null) return flatten(key, err, sink, 0);
  const { type, message, stack, ...rest } = err as Record<string, unknown>;
  if (typeof type === 'string') put(sink, 'exception.type', clip(type, MAX_ATTRIBUTE));
  if (typeof message === 'string') put(sink, 'exception.message', clip(message, MAX_ATTRIBUTE));
  if (typeof stack === 'string') put(sink, 'exception.stacktrace', clip(stack, MAX_ATTRIBUTE));
  for (const [field, inner] of Object.entries(rest)) flatten(`${key}.${field}`, inner, sink, 1);
}

/** Is `value` what pino's error serializer wrote (an Error's type, message and stack)? */
function isSerializedError(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, message, stack } = value as Record<string, unknown>;
  return typeof type === 'string' && typeof message === 'string' && typeof stack === 'string';
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

/**
 * Builds the LogRecord of one pino line; throws on a line that is not JSON. `known` is the level
 * and time pino gave a line that does not start with them as numbers (formatted-line.ts).
 */
export function logRecordFromLine(
  line: string,
  known?: { readonly level: number; readonly timeMs: number | undefined },
): LogRecord {
  const prefix = pinoPrefixOf(line);
  // A caller's `level` or `time` follows pino's in the same object and JSON.parse keeps the last:
  // parsing the line without pino's prefix leaves exactly the caller's fields.
  const fields = JSON.parse(
    prefix === undefined ? line : `{${line.slice(prefix.restStart)}`,
  ) as Record<string, unknown>;
  let level: number;
  let time: number;
  if (prefix === undefined) {
    // Without `known`, a line of another source: its own `level` and `time` if numbers.
    level = known?.level ?? (typeof fields.level === 'number' ? fields.level : 30);
    time =
      known?.timeMs ?? (typeof fields.time === 'number' ? Math.trunc(fields.time) : Date.now());
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
  const sink: AttributeSink = { out: attributes, left: MAX_ATTRIBUTES };
  let attributeCount = 0;
  for (const key in fields) {
    if (recordFields.has(key) || key === '') continue;
    if (
      (key === 'trace_id' && traceId !== undefined) ||
      (key === 'span_id' && spanId !== undefined)
    )
      continue;
    attributeCount += 1;
    if (key === 'err' || (key === 'error' && isSerializedError(fields[key])))
      exception(key, fields[key], sink);
    else flatten(key, fields[key], sink, 0);
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
  const formatted = entry instanceof FormattedLine ? entry : undefined;
  if (formatted === undefined && typeof entry !== 'string') return { ok: true, item: entry };
  try {
    const record =
      formatted === undefined
        ? logRecordFromLine(entry as string)
        : logRecordFromLine(formatted.line, formatted);
    const result = validateItem('logs', record);
    if (result.ok) return { ok: true, item: result.value };
    return { ok: false, issue: issueText(result.issues) };
  } catch (error) {
    return { ok: false, issue: `not a JSON log line (${(error as Error).message})` };
  }
};
